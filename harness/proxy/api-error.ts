// The errors the Toxiproxy HTTP API answers with: a message and a status, serialised as
// {"error": "...", "status": N}. Same messages and codes as the real server.

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** This error with a detail appended, the way the real server joins a cause onto its base error. */
  withDetail(detail: string): ApiError {
    return new ApiError(`${this.message}: ${detail}`, this.status);
  }

  toJSON(): { error: string; status: number } {
    return { error: this.message, status: this.status };
  }
}

export const ErrBadRequestBody = new ApiError('bad request body', 400);
export const ErrMissingField = new ApiError('missing required field', 400);
export const ErrProxyNotFound = new ApiError('proxy not found', 404);
export const ErrProxyAlreadyExists = new ApiError('proxy already exists', 409);
export const ErrInvalidStream = new ApiError('stream was invalid, can be either upstream or downstream', 400);
export const ErrInvalidToxicType = new ApiError('invalid toxic type', 400);
export const ErrToxicAlreadyExists = new ApiError('toxic already exists', 409);
export const ErrToxicNotFound = new ApiError('toxic not found', 404);
/** Not in the real server: this embedded one binds proxies on loopback only. */
export const ErrListenNotLoopback = new ApiError('listen address must be on loopback (127.0.0.1, localhost or [::1])', 400);
export const ErrInvalidAddress = new ApiError('invalid address', 400);
