import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // A temp folder per test run, removed after it (test/helpers/temp-root.ts).
    globalSetup: ['test/helpers/temp-root.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Two cores: one worker per core keeps ffmpeg and onnxruntime from starving each other.
    maxWorkers: 2,
    // In CI a failed test runs once more, as Playwright's own CI default does: browser drags and timings on a shared
    // 2-core machine fail now and then (a real defect fails twice; both attempts are in the log).
    retry: process.env.CI ? 1 : 0,
    // expect.poll's own default (1 s) is shorter than one browser click takes on this machine under load (a poll
    // that clicks a node title and reads its class failed that way: 1 run in 5 beside two busy loops). Polls that
    // pass return as soon as they do; only a failing one waits the whole 10 s.
    expect: { poll: { timeout: 10_000 } },
  },
});
