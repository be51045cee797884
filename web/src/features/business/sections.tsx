/**
 * The sections of the business tools panel, in the order they are listed. Each business area adds
 * its entry here: an id (used by `openPanel({ kind: 'business', section })`), a title key and the
 * component that renders the section's screen.
 */
import type { ComponentType } from 'react';
import type { MessageKey } from '../../i18n/en.js';
import { BusinessProfileSection } from './business-profile-section.js';
import { VerificationSection } from './verification-section.js';
import { CatalogSection } from '../commerce/catalog-section.js';
import { ShortLinkSection } from '../reach/short-link-section.js';
import { StatsSection } from '../reach/stats-section.js';
import { BroadcastsSection } from '../reach/broadcasts-section.js';
import { toolsSections } from '../business-tools/sections.js';
import { ApiSettingsSection } from '../business-api/api-settings-section.js';
import { TemplatesSection } from '../business-api/templates-section.js';
import { NumberHealthSection } from '../business-api/number-health-section.js';
import { ApiAnalyticsSection } from '../business-api/analytics-section.js';

export interface BusinessSection {
  id: string;
  titleKey: MessageKey;
  Component: ComponentType;
}

export const businessSections: BusinessSection[] = [
  { id: 'profile', titleKey: 'business.profile', Component: BusinessProfileSection },
  { id: 'verification', titleKey: 'business.verification', Component: VerificationSection },
  { id: 'catalog', titleKey: 'commerce.catalog', Component: CatalogSection },
  { id: 'short-link', titleKey: 'reach.section.shortLink', Component: ShortLinkSection },
  { id: 'stats', titleKey: 'reach.section.stats', Component: StatsSection },
  { id: 'broadcasts', titleKey: 'reach.section.broadcasts', Component: BroadcastsSection },
  // quick replies, greeting message, away message, labels
  ...toolsSections,
  { id: 'api', titleKey: 'api.section', Component: ApiSettingsSection },
  { id: 'api-templates', titleKey: 'tpl.section', Component: TemplatesSection },
  { id: 'api-health', titleKey: 'health.section', Component: NumberHealthSection },
  { id: 'api-analytics', titleKey: 'api.analytics.section', Component: ApiAnalyticsSection },
];
