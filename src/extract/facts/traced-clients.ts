import type { Client } from '../../types.js';

export const HTTP_BASED: Client[] = ['http', 'https', 'axios', 'got', 'node-fetch', 'superagent', 'bent'];
export const FETCH_BASED: Client[] = ['fetch', 'undici', 'ky'];

/** What `@opentelemetry/auto-instrumentations-node` instruments among the clients obslint knows. */
export const AUTO: Client[] = [...HTTP_BASED, ...FETCH_BASED, 'kafkajs', 'amqplib', 'sqs', 'grpc'];
