/**
 * @module domain/automation
 * Public surface of the business automation tools: quick replies, greeting and away messages.
 */
export { accessBusiness, seedBusinessTools } from './business.js';
export { listQuickReplies, createQuickReply, updateQuickReply, deleteQuickReply, type QuickReplyInput } from './quick-replies.js';
export { getAutomation, updateGreeting, updateAway, type AwayInput } from './settings.js';
export { installAutomation, awayPeriodKey, AUTOMATION_DEVICE } from './engine.js';
export { openStateAt, zonedTime, isValidTimeZone } from './hours.js';
