/**
 * @module contracts
 * Request, response and frame types shared by the server and the web app.
 */
export * from './models.js';
export * from './content.js';
export * from './protocol.js';
export * from './business.js';
export * from './reach.js';
export * from './commerce.js';
export * from './labels.js';
export * from './automation.js';
export * from './business-profile.js';
export * from './two-step.js';
export * from './api-analytics.js';
