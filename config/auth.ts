import { defineSetting, envBool, envInt } from './define.ts';

/** Sign-in, sessions and the login throttle. */
export const authSettings = {
  // OWASP session guidance: a short idle limit for an application holding legal evidence, and
  // an absolute one of a working day, after which a person signs in again.
  sessionIdleMinutes: defineSetting('COPYHOUND_SESSION_IDLE_MINUTES', envInt(1, 7 * 24 * 60), 60, 'A session ends after this many minutes without a request.'),
  sessionMaxHours: defineSetting('COPYHOUND_SESSION_MAX_HOURS', envInt(1, 30 * 24), 12, 'A session ends this many hours after sign-in, whatever the activity.'),
  // Five wrong passwords per account per window stops guessing without locking out a person who mistypes.
  loginFailuresPerAccount: defineSetting('COPYHOUND_LOGIN_FAILURES_PER_ACCOUNT', envInt(1, 1000), 5, 'Failed sign-ins allowed per account per window before 429.'),
  // Per address: an office behind one NAT shares it, so it is looser than the per-account limit.
  loginFailuresPerIp: defineSetting('COPYHOUND_LOGIN_FAILURES_PER_IP', envInt(1, 100_000), 30, 'Failed sign-ins allowed per client address per window before 429.'),
  loginWindowMinutes: defineSetting('COPYHOUND_LOGIN_WINDOW_MINUTES', envInt(1, 24 * 60), 15, 'Length of the failed sign-in window (minutes); a throttled client waits until it ends.'),
  // Behind a reverse proxy the client address and https come from X-Forwarded-*; trusting them
  // without a proxy would let any client choose its address (and dodge the throttle).
  trustProxy: defineSetting('COPYHOUND_TRUST_PROXY', envBool, false, 'Trust X-Forwarded-For/-Proto from one proxy hop in front (client address for the throttle; https for Secure cookies).'),
};

