// Errors for expected outcomes that are counted, not debugged (an attempt that timed out, a request the
// client aborted): built without capturing a stack. Capturing one walks every frame, and formatting it (Node
// does when the error travels through a stream's destroy; a source-mapped process maps every frame) cost
// several percent of a processor's and the driver's CPU once timeouts were frequent, i.e. exactly when the
// pipeline is short of CPU.
export function stackless<E extends Error>(make: () => E): E {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return make();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** For a constructor that cannot wrap its super() call: stops stack capture until the returned function is called. */
export function withoutStack(): () => void {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  return () => {
    Error.stackTraceLimit = limit;
  };
}
