// The longest delay a Node timer holds: 2^31-1 ms, about 24.8 days. A larger timeout silently
// becomes 1 ms (a TimeoutOverflowWarning) or throws ERR_OUT_OF_RANGE, so timeout flags stop here.
export const MAX_TIMER_MS = 2 ** 31 - 1;
