import type { Client } from '../types.js';

/** The instrumentation package to suggest for a client that is not instrumented. */
export const INSTRUMENTATION_FOR: Partial<Record<Client, string>> = {
  fetch: '@opentelemetry/instrumentation-undici',
  undici: '@opentelemetry/instrumentation-undici',
  ky: '@opentelemetry/instrumentation-undici',
  http: '@opentelemetry/instrumentation-http',
  https: '@opentelemetry/instrumentation-http',
  axios: '@opentelemetry/instrumentation-http',
  got: '@opentelemetry/instrumentation-http',
  'node-fetch': '@opentelemetry/instrumentation-http',
  superagent: '@opentelemetry/instrumentation-http',
  bent: '@opentelemetry/instrumentation-http',
  kafkajs: '@opentelemetry/instrumentation-kafkajs',
  amqplib: '@opentelemetry/instrumentation-amqplib',
  sqs: '@opentelemetry/instrumentation-aws-sdk',
  pubsub: "the client's `enableOpenTelemetryTracing: true` option",
  bullmq: "BullMQ's `telemetry` option (`bullmq-otel`)",
  grpc: '@opentelemetry/instrumentation-grpc',
};

/** In the browser: what instruments a client there (`fetch`, and XMLHttpRequest under axios and superagent). */
export const WEB_INSTRUMENTATION_FOR: Partial<Record<Client, string>> = {
  fetch: '@opentelemetry/instrumentation-fetch',
  ky: '@opentelemetry/instrumentation-fetch',
  axios: '@opentelemetry/instrumentation-xml-http-request',
  superagent: '@opentelemetry/instrumentation-xml-http-request',
};
