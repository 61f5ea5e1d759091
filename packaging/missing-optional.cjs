// Stands in for optional add-ons that dependencies require() inside try/catch (ws: bufferutil,
// utf-8-validate; debug: supports-color; node-fetch: encoding). A single executable can only
// require built-in modules, so the bundle gets this file, which takes their "not installed" path.
throw Object.assign(new Error('optional module not bundled'), { code: 'MODULE_NOT_FOUND' });
