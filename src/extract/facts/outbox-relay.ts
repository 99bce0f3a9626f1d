import { ts } from 'ts-morph';
import type { Caller } from '../flow/call-graph.js';
import { enclosingClassLike, enclosingFunction, functionName } from '../syntax/scope.js';
import { forEachDescendant } from '../syntax/walk.js';

/** A transactional outbox, by the name of its module, class or function (`OutboxRelayService`, `outbox-processor.ts`). */
const OUTBOX = /outbox/i;
/** A relay that restores the context its rows carry (`propagation.extract`, a stored `traceparent`). */
const RESTORES_CONTEXT = /propagation\s*\.\s*extract\s*\(|traceparent|trace_?context/i;

/**
 * A message an outbox relay publishes on a timer (`@Interval(1000) processPending()` reading the
 * pending rows): its send, or a call of the function that sends (a producer service's `publish`),
 * in an outbox's module, class or function, run by a schedule, in a module that restores no trace
 * context from the rows. The request (or message) that wrote the row had a trace; the timer has
 * none, so each message the relay publishes starts a new one. Each relay, and its schedule.
 */
export function outboxRelays(
  send: Caller,
  scheduleOf: (call: Caller) => string | undefined,
  callersOf: (fn: ts.SignatureDeclaration) => readonly Caller[],
): { schedule: string; at: Caller }[] {
  const direct = relayAt(send, scheduleOf);
  if (direct) return [direct];
  const fn = enclosingFunction(send);
  if (!fn) return [];
  const callers = callersOf(fn);
  // The outbox's own publishing function, which a timer elsewhere runs (`setInterval(() =>
  // publishOutbox(), 1000)` in the entry): its send, on that timer.
  const timers = inOutbox(send) ? callers.map(scheduleOf) : [];
  if (timers.length > 0 && timers.every((t) => t !== undefined)) return [{ schedule: timers[0], at: send }];
  return callers.flatMap((caller) => relayAt(caller, scheduleOf) ?? []);
}

function relayAt(
  call: Caller,
  scheduleOf: (call: Caller) => string | undefined,
): { schedule: string; at: Caller } | undefined {
  if (!inOutbox(call)) return undefined;
  const schedule = scheduleOf(call);
  return schedule ? { schedule, at: call } : undefined;
}

/**
 * A call in an outbox's module, class or function, or in a function that reads an outbox table
 * (`select … from rail_outbox_messages`), in a module that restores no context from the rows.
 */
function inOutbox(call: Caller): boolean {
  const file = call.getSourceFile();
  if (RESTORES_CONTEXT.test(file.text)) return false;
  const fn = enclosingFunction(call);
  const cls = enclosingClassLike(call);
  const named = [file.fileName.slice(file.fileName.lastIndexOf('/') + 1), cls?.name?.text, fn && functionName(fn)];
  return named.some((name) => name !== undefined && OUTBOX.test(name)) || (fn !== undefined && readsOutboxTable(fn));
}

/** A query of a table named for an outbox in the function (`'select … from rail_outbox_messages …'`). */
function readsOutboxTable(fn: ts.SignatureDeclaration): boolean {
  let found = false;
  forEachDescendant(fn, (n) => {
    if (found) return false;
    if (ts.isStringLiteralLike(n) && /\bfrom\s+[\w."]*outbox/i.test(n.text)) found = true;
    return !found;
  });
  return found;
}
