/**
 * Test-only credentials. The Worker under test gets only their SHA-256
 * hashes (vitest.config.ts), exactly as in production.
 */
export const TEST_KEYS = {
  tenantA: "evl_test_tenant_a_0123456789abcdef0123456789abcdef",
  tenantB: "evl_test_tenant_b_0123456789abcdef0123456789abcdef",
  signed: "evl_test_signed_0123456789abcdef0123456789abcdef01",
  burst: "evl_test_burst_0123456789abcdef0123456789abcdef0123",
  consumer: "evl_test_consumer_0123456789abcdef0123456789abcdef",
} as const;

export const TEST_SOURCES: Record<keyof typeof TEST_KEYS, string> = {
  tenantA: "tenant-a",
  tenantB: "tenant-b",
  signed: "signed",
  burst: "burst",
  consumer: "consumer",
};

export const TEST_SIGNING_SECRET = "whsec_test_0123456789abcdef";
export const TEST_ADMIN_TOKEN = "evla_test_admin_0123456789abcdef0123456789abcdef";
export const TEST_METRICS_TOKEN = "evlm_test_metrics_0123456789abcdef0123456789abcd";
export const TEST_CONSOLE_SESSION_SECRET = "test-console-session-secret-0123456789abcdef";
/** Requests per minute per key in tests (wrangler.toml has the production value). */
export const TEST_RATE_LIMIT = 100;
/** Failed authentications per minute per address in tests (tests that trip it use an address of their own). */
export const TEST_AUTH_FAILURE_LIMIT = 20;
