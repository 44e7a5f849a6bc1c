// When a request was meant to go and when it went: what a load model hands the sender with each request
// (the open model from its arrival schedule, the closed loop from the moment a virtual user sends).

export interface SendTiming {
  /** Milliseconds from the start of traffic to the intended send time. */
  intended_ms: number;
  /** Milliseconds from the start of traffic to the actual send (or drop). */
  sent_ms: number;
  /** sent_ms - intended_ms exceeded the lateness tolerance. */
  late: boolean;
  /** performance.now() at the intended send time: latency = performance.now() - intended_at. */
  intended_at: number;
}
