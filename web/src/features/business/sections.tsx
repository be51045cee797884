/**
 * The sections of the business tools panel, in the order they are listed. Each business area adds
 * its entry here: an id (used by `openPanel({ kind: 'business', section })`), a title key and the
 * component that renders the section's screen.
 */
import type { ComponentType } from 'react';
import type { MessageKey } from '../../i18n/en.js';
import { BusinessProfileSection } from './business-profile-section.js';
import { VerificationSection } from './verification-section.js';

export interface BusinessSection {
  id: string;
  titleKey: MessageKey;
  Component: ComponentType;
}

export const businessSections: BusinessSection[] = [
  { id: 'profile', titleKey: 'business.profile', Component: BusinessProfileSection },
  { id: 'verification', titleKey: 'business.verification', Component: VerificationSection },
];
