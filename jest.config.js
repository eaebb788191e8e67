/** Jest projects: unit tests beside the code, integration tests in the sandbox, the OpenAPI
 * conformance suite. Browser tests live in their own project (test/browser). */
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.check.json' }]; // tsconfig's isolatedModules makes ts-jest transpile per file
const base = {
  testEnvironment: 'node',
  transform: { '^.+\\.tsx?$': tsJest },
  moduleFileExtensions: ['ts', 'tsx', 'js', 'json'],
};
module.exports = {
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/sandbox/**/*.test.ts', '<rootDir>/bench/**/*.test.ts'] },
    { ...base, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.test.ts', '<rootDir>/test/client/**/*.test.ts', '<rootDir>/test/forge/**/*.test.ts'] },
    { ...base, displayName: 'conformance', testMatch: ['<rootDir>/test/conformance/**/*.test.ts'] },
    { ...base, displayName: 'ui', testEnvironment: 'jsdom', testMatch: ['<rootDir>/static/**/*.test.ts', '<rootDir>/static/**/*.test.tsx'] },
    { ...base, displayName: 'browser', testMatch: ['<rootDir>/test/browser/**/*.test.ts'] },
    // the crash harness: npm start in a child process, SIGKILLed and restarted (slow: minutes)
    { ...base, displayName: 'crash', testMatch: ['<rootDir>/test/crash/**/*.test.ts'] },
    // Forge's own bundler and linter over the app (slow: webpack); run after the build in CI
    { ...base, displayName: 'forge-cli', testMatch: ['<rootDir>/test/forge-cli/**/*.test.ts'] },
  ],
};
