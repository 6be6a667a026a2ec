// Unit and component tests: jsdom + Testing Library, TypeScript through @swc/jest. Tests that reach
// the API cross into a real Ballast server on SQLite, started once by test/globalSetup.mjs.
export default {
  testEnvironment: '<rootDir>/test/jsdomWithFetch.cjs',
  roots: ['<rootDir>/src', '<rootDir>/test', '<rootDir>/preview'],
  moduleFileExtensions: ['ts', 'tsx', 'js', 'mjs', 'cjs', 'jsx', 'json'],
  testMatch: ['**/*.test.ts', '**/*.test.tsx', '**/*.test.mjs'],
  testPathIgnorePatterns: ['/node_modules/', '/test/browser/', '/preview/vendor/'],
  transform: {
    '^.+\\.(m?js|cjs|jsx|tsx?)$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', tsx: true },
          transform: { react: { runtime: 'automatic' } },
          target: 'es2022',
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  // Grafana's packages ship ESM pieces: transform everything rather than keep a list.
  transformIgnorePatterns: [],
  moduleNameMapper: {
    '\\.(css|scss|sass)$': '<rootDir>/test/styleStub.cjs',
    '\\.(svg|png|jpg)$': '<rootDir>/test/styleStub.cjs',
  },
  setupFilesAfterEnv: ['<rootDir>/jest.setup.ts'],
  globalSetup: '<rootDir>/test/globalSetup.mjs',
  globalTeardown: '<rootDir>/test/globalTeardown.mjs',
  testTimeout: 30000,
};
