/**
 * @module domain/labels
 * Public surface of labels: a business's labels and their assignments to chats and messages.
 */
export { listLabels, createLabel, updateLabel, deleteLabel, setChatLabels, setMessageLabels, listLabelAssignments } from './labels.js';
