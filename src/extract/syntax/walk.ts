import { ts } from 'ts-morph';

/**
 * Visits `root` and its descendants in source order without recursion, so deeply nested code (a
 * 5,000-operand concatenation) cannot overflow the stack. `visit` returns false to skip children.
 */
export function forEachDescendant(root: ts.Node, visit: (node: ts.Node) => unknown): void {
  const stack: ts.Node[] = [root];
  // One callback for the whole walk: a closure per node was most of the walk's own time.
  const push = (child: ts.Node): void => {
    stack.push(child);
  };
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (visit(node) === false) continue;
    // The children go on the stack as found, then are turned around in place, so the first is popped first.
    let low = stack.length;
    ts.forEachChild(node, push);
    for (let high = stack.length - 1; low < high; low++, high--) {
      const first = stack[low];
      stack[low] = stack[high];
      stack[high] = first;
    }
  }
}
