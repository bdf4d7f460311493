/** Errors of the agent's facade; the HTTP layer maps each code to a status. */
export type AgentErrorCode =
  | 'NOT_FOUND'
  | 'BAD_INPUT'
  | 'PATH_NOT_ALLOWED'
  | 'FETCH_FAILED'
  | 'TOO_LARGE'
  | 'PUBLISH_FAILED'
  | 'CONFLICT'
  | 'ENGINE_ERROR';

export class AgentError extends Error {
  constructor(
    readonly code: AgentErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AgentError';
  }
}
