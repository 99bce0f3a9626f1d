/** Errors the user can fix: printed without a stack trace, exit code 2. */
export class UserError extends Error {
  override name = 'UserError';
}

export class ConfigError extends UserError {
  override name = 'ConfigError';
  constructor(
    message: string,
    readonly file?: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(file ? `${file}${line ? `:${line}:${column ?? 1}` : ''}: ${message}` : message);
  }
}

export class UsageError extends UserError {
  override name = 'UsageError';
}
