/** The business-panel sections of the business tools area (registered in features/business/sections.tsx). */
import type { BusinessSection } from '../business/sections.js';
import { QuickRepliesSection } from './quick-replies-section.js';
import { AwaySection, GreetingSection } from './automation-sections.js';
import { LabelsSection } from './labels-section.js';

export const toolsSections: BusinessSection[] = [
  { id: 'quick-replies', titleKey: 'tools.quickReplies', Component: QuickRepliesSection },
  { id: 'greeting', titleKey: 'tools.greeting', Component: GreetingSection },
  { id: 'away', titleKey: 'tools.away', Component: AwaySection },
  { id: 'labels', titleKey: 'tools.labels', Component: LabelsSection },
];
