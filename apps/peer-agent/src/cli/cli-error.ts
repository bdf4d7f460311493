/** An error whose message is meant for the user as it stands (no stack trace is shown). */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}
