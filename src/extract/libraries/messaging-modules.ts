import type { Client } from '../../types.js';
import { table } from '../../util/table.js';

/** Messaging packages: a file importing one makes its producer/consumer methods recognisable. */
export const MESSAGING_MODULES = table<Client>({
  kafkajs: 'kafkajs',
  amqplib: 'amqplib',
  'amqplib/callback_api': 'amqplib',
  // Reconnecting channels over amqplib (`ChannelWrapper#publish`, `#sendToQueue`): amqplib's calls underneath.
  'amqp-connection-manager': 'amqplib',
  // NestJS's RabbitMQ module (golevelup): `AmqpConnection#publish`, `@RabbitSubscribe` handlers, on amqplib.
  '@golevelup/nestjs-rabbitmq': 'amqplib',
  '@aws-sdk/client-sqs': 'sqs',
  // The AWS SDK v2: its SQS client (`new AWS.SQS()`, or `aws-sdk/clients/sqs`), known by what made it.
  'aws-sdk': 'sqs',
  'aws-sdk/clients/sqs': 'sqs',
  '@google-cloud/pubsub': 'pubsub',
  bullmq: 'bullmq',
  // NestJS's module for BullMQ: `@InjectQueue` hands over a BullMQ `Queue`.
  '@nestjs/bullmq': 'bullmq',
  // BullMQ Pro: `QueuePro`, `WorkerPro`, BullMQ's with groups.
  '@taskforcesh/bullmq-pro': 'bullmq',
  // Bull (v3, v4) and NestJS's module for it, whose `Queue` type is Bull's.
  bull: 'bull',
  '@nestjs/bull': 'bull',
  nats: 'nats',
  // NATS Streaming (STAN): `stan.publish(subject, data)`, messages without headers.
  'node-nats-streaming': 'nats-streaming',
  'pg-boss': 'pg-boss',
});
/** The messaging packages' module names (the prefilter's, which loads no compiler). */
export const MESSAGING_MODULE_NAMES: ReadonlySet<string> = new Set(Object.keys(MESSAGING_MODULES));

/**
 * A dead-letter queue or topic by its name's end: `orders.dlq`, `${topic}.dlq`, `payments-dead-letter`,
 * `jobs.dlx`, a parking lot; or a constant so named (`DLQ_TOPIC`). Not a queue that replays from one
 * (`dlq-replay`): a service consumes that.
 */
export function namesDeadLetters(destination: string): boolean {
  return DEAD_LETTER.test(destination) && !REPLAYED.test(destination);
}

const DEAD_LETTER =
  /(?:dlq|dlx|dead[-_.]?letters?|parking[-_.]?lot)(?=['"`]|$)|(?:^|[_.])(?:DLQ|DLX|DEAD_LETTERS?)(?:_|$)/i;
const REPLAYED = /replay|retry|reprocess/i;
