export * from './attributes.js';
export * from './time.js';
export * from './telemetry.js';
export * from './count.js';
export * from './genai.js';
export * from './build.js';
