/**
 * @module domain/api/templates/review
 * The one place that decides the status of a new or edited template (reference §7.4). Today every
 * well-formed template is approved at once; the automatic review (lengths, parameter format,
 * samples, category mismatches) and the quality policy replace this function, keeping its contract.
 */
import type { Transaction } from 'kysely';
import type { DB } from '../../../tables.js';
import type { RejectedReason, TemplateCategory, TemplateDefinition, TemplateStatus } from './model.js';

export interface TemplateReview {
  /** APPROVED (sendable), PENDING (decided later, announced by a status webhook) or REJECTED. */
  status: Extract<TemplateStatus, 'APPROVED' | 'PENDING' | 'REJECTED'>;
  /** NONE unless rejected. */
  rejectedReason: RejectedReason;
  /** The category the template ends up in (a review may re-categorise when allow_category_change is set). */
  category: TemplateCategory;
}

/**
 * Decide the status of a template being created (`previous` null) or edited (`previous`: its state
 * before the edit). Runs inside the write that stores the template.
 */
export async function reviewTemplate(
  _tx: Transaction<DB>,
  _wabaId: string,
  candidate: TemplateDefinition,
  _previous: { status: string; category: string } | null,
): Promise<TemplateReview> {
  return { status: 'APPROVED', rejectedReason: 'NONE', category: candidate.category };
}
