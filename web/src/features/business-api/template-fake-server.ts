/**
 * For component tests of the template screens: the owner's template and number-health endpoints
 * answered as the contract describes (docs/business.md, "Business API"), over the fetch stub. The
 * review here is a stand-in with fixed rules (a body that starts with a variable is malformed;
 * "% off", "sale" or "discount" in a non-marketing template is promotional), enough to drive
 * every branch of the screens.
 */
import { apiError, stubFetch, type RecordedCall, type Reply } from '../contacts/test-fetch.js';
import type { GraphComponent, NumberHealth, OwnerTemplate, ReviewResult, TemplateInput } from './owner-client.js';

export const T0 = Date.UTC(2026, 2, 1, 9, 30);

export function reviewOf(input: Pick<TemplateInput, 'category' | 'components' | 'allow_category_change'>): ReviewResult {
  const i = input.components.findIndex((c) => c.type === 'BODY');
  const text = input.components[i]?.text ?? '';
  if (input.category !== 'AUTHENTICATION' && /^\s*\{\{/.test(text)) {
    return { status: 'REJECTED', category: input.category, rejectedReason: 'INVALID_FORMAT', problems: [{ field: `components[${i}].text`, message: 'The body cannot start with a variable.' }] };
  }
  if (input.category !== 'MARKETING' && /% off|\bsale\b|discount/i.test(text)) {
    if (input.allow_category_change) return { status: 'APPROVED', category: 'MARKETING', rejectedReason: 'NONE', problems: [] };
    return { status: 'REJECTED', category: input.category, rejectedReason: 'PROMOTIONAL', problems: [] };
  }
  return { status: 'APPROVED', category: input.category, rejectedReason: 'NONE', problems: [] };
}

let nextId = 7301122334455000;

export function template(over: Partial<OwnerTemplate> = {}): OwnerTemplate {
  return {
    id: String(++nextId),
    name: 'order_update',
    language: 'en_US',
    category: 'UTILITY',
    status: 'APPROVED',
    rejectedReason: 'NONE',
    rejectionInfo: null,
    quality: 'GREEN',
    pausedUntil: null,
    parameterFormat: 'POSITIONAL',
    components: [{ type: 'BODY', text: 'Hi {{1}}, your order {{2}} has shipped.', example: { body_text: [['Ana', 'A-1042']] } }],
    createdAt: T0,
    updatedAt: T0,
    ...over,
  };
}

function stored(input: TemplateInput | (Pick<TemplateInput, 'components' | 'category'> & { parameter_format?: string }), base: Partial<OwnerTemplate>): OwnerTemplate {
  const r = reviewOf(input);
  const rejected = r.status === 'REJECTED';
  return template({
    ...base,
    category: r.category as OwnerTemplate['category'],
    parameterFormat: (input.parameter_format as OwnerTemplate['parameterFormat'] | undefined) ?? 'POSITIONAL',
    components: input.components as GraphComponent[],
    status: r.status,
    rejectedReason: r.rejectedReason,
    rejectionInfo: rejected
      ? { reason: 'The body offers a discount, which is promotional content.', recommendation: 'Remove the offer, or file the template as MARKETING.' }
      : null,
    quality: 'UNKNOWN',
    updatedAt: T0 + 60_000,
  });
}

export interface FakeServer {
  templates: OwnerTemplate[];
  health: NumberHealth;
  calls: RecordedCall[];
  /** Answer every review with this instead (to test the review's own problems). */
  reviewOverride: ReviewResult | null;
  /** Answer the creation with this instead. */
  createOverride: Reply | null;
}

export function health(over: Partial<NumberHealth> = {}): NumberHealth {
  return {
    phoneNumberId: '1066820553311204',
    displayPhoneNumber: '33612345678',
    status: 'CONNECTED',
    quality: { rating: 'YELLOW', since: T0, blocks7d: 4, reports7d: 1, businessInitiated7d: 180 },
    messagingLimit: { tier: 'TIER_250', limit: 250, used24h: 120, nextTier: 'TIER_2K' },
    throughputPerSecond: 80,
    history: [
      { at: T0, event: 'FLAGGED', detail: 'Quality fell to yellow: 4 blocks in 7 days.' },
      { at: T0 - 86_400_000, event: 'UPGRADE', detail: 'TIER_250 reached after business verification.' },
    ],
    ...over,
  };
}

/** Install the fake endpoints; the returned object is live (tests change it and read its calls). */
export function fakeServer(initial: OwnerTemplate[] = []): FakeServer {
  const s: FakeServer = { templates: [...initial], health: health(), calls: [], reviewOverride: null, createOverride: null };
  const byId = (url: URL) => decodeURIComponent(url.pathname.split('/').pop() ?? '');
  const routes: Parameters<typeof stubFetch>[0] = {
    'GET /v1/business/api/templates': () => ({ templates: s.templates }),
    'POST /v1/business/api/templates/review': (body) => s.reviewOverride ?? reviewOf(body as TemplateInput),
    'POST /v1/business/api/templates': (body) => {
      if (s.createOverride) return s.createOverride;
      const input = body as TemplateInput;
      if (s.templates.some((x) => x.name === input.name && x.language === input.language)) return apiError(409, 'TEMPLATE_EXISTS', 'A template with this name and language already exists.');
      const t = stored(input, { name: input.name, language: input.language });
      s.templates = [t, ...s.templates];
      return t;
    },
    'GET /v1/business/api/health': () => s.health,
  };
  const calls = stubFetch(
    new Proxy(routes, {
      get(target, key: string) {
        if (key in target) return target[key];
        const m = /^(PUT|DELETE) \/v1\/business\/api\/templates\/([^/]+)$/.exec(key);
        if (!m) return undefined;
        return (body: unknown, url: URL) => {
          const id = byId(url);
          const old = s.templates.find((x) => x.id === id);
          if (!old) return apiError(404, 'TEMPLATE_NOT_FOUND');
          if (m[1] === 'DELETE') {
            s.templates = s.templates.filter((x) => x.id !== id);
            return { ok: true };
          }
          const edit = body as Pick<TemplateInput, 'components' | 'category' | 'parameter_format'>;
          const t = stored({ ...edit, category: edit.category ?? old.category }, { id, name: old.name, language: old.language, createdAt: old.createdAt });
          s.templates = s.templates.map((x) => (x.id === id ? t : x));
          return t;
        };
      },
    }),
  );
  s.calls = calls;
  return s;
}
