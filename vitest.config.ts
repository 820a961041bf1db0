import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    testTimeout: 30_000,
    // Tests decide which Claude Code they check for: an installed claude must not change their results.
    env: { CCMEND_CLAUDE: '/nonexistent/claude-for-tests' },
  },
});
