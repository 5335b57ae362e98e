// Kept in step with package.json by test/version.test.ts (a bundled action cannot read package.json).
export const VERSION = '0.1.0';
export const USER_AGENT = `atlas-media-action/${VERSION} (+https://github.com/atlas-media-action/atlas-media-action)`;
