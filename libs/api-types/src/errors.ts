/** Every error answer of both the tracker's and the agent's API (Nest's shape). */
export interface ApiErrorBody {
  statusCode: number;
  /** the HTTP reason phrase, e.g. "Bad Request" */
  error: string;
  /** a sentence a person can act on */
  message: string;
}
