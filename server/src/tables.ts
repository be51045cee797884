/**
 * @module tables
 * Kysely types of every table. Columns are snake_case; timestamps are epoch milliseconds
 * (bigint in PostgreSQL, integer in SQLite); flags are 0/1 integers on both dialects;
 * JSON is stored as text. Written by the migrations in ./migrations.
 */
import type { Generated } from 'kysely';

export interface AccountsTable {
  id: string;
  phone: string; // E.164
  display_name: string;
  about: string;
  photo_media_id: string | null;
  /** 'everyone' | 'contacts' | 'nobody' */
  privacy_last_seen: string;
  privacy_online: string; // 'everyone' | 'same_as_last_seen'
  privacy_photo: string;
  privacy_about: string;
  read_receipts: number;
  last_seen_at: number | null;
  update_seq: number;
  created_at: number;
  /** 'person' | 'business' */
  kind: string;
}

export interface VerificationCodesTable {
  phone: string;
  code_hash: string;
  expires_at: number;
  attempts: number;
  sent_count: number;
  last_sent_at: number;
  created_at: number;
}

export interface DevicesTable {
  id: string;
  account_id: string;
  name: string;
  platform: string;
  token_hash: string;
  created_at: number;
  last_active_at: number;
  revoked_at: number | null;
  acked_seq: number;
}

export interface ContactsTable {
  owner_id: string;
  phone: string;
  name: string;
  created_at: number;
}

export interface BlocksTable {
  blocker_id: string;
  blocked_id: string;
  created_at: number;
}

export interface ReportsTable {
  id: string;
  reporter_id: string;
  reported_id: string;
  chat_id: string | null;
  reason: string;
  created_at: number;
}

export interface ChatsTable {
  id: string;
  /** 'direct' now; 'group' later */
  kind: string;
  /** For direct chats: the two account ids sorted and joined with ':' (unique). */
  direct_key: string | null;
  last_seq: number;
  last_activity_at: number;
  created_at: number;
}

export interface ChatMembersTable {
  chat_id: string;
  account_id: string;
  joined_at: number;
  /** Highest message seq that reached at least one of this member's devices. */
  delivered_seq: number;
  /** Highest message seq this member has read (drives their unread count). */
  read_seq: number;
  /** Highest seq whose reading was announced to others (frozen while read receipts are off). */
  receipt_read_seq: number;
  archived: number;
  pinned_at: number | null;
  muted_until: number | null;
  cleared_seq: number;
}

export interface MessagesTable {
  id: string;
  chat_id: string;
  seq: number;
  sender_id: string;
  sender_device_id: string;
  client_id: string;
  kind: string;
  /** Opaque JSON content (ciphertext envelope once chats are end-to-end encrypted). */
  content: string;
  media_id: string | null;
  reply_to_id: string | null;
  forwarded: number;
  /** 1 when the recipient blocked the sender: stored for the sender only, never delivered. */
  withheld: number;
  created_at: number;
  edited_at: number | null;
  deleted_at: number | null;
}

export interface ReactionsTable {
  message_id: string;
  account_id: string;
  /** The emoji; empty when the reaction is end-to-end encrypted. */
  emoji: string;
  /** The reaction's end-to-end envelope as JSON `{"v","epoch","ct"}` (migration 0018), or null. */
  e2e: Generated<string | null>;
  created_at: number;
}

export interface UpdatesTable {
  account_id: string;
  seq: number;
  /** 'message.created' | 'message.updated' | 'chat.receipts' | 'chat.updated' | … */
  type: string;
  chat_id: string | null;
  message_id: string | null;
  data: string | null;
  created_at: number;
}

export interface MediaTable {
  id: string;
  sha256: string;
  kind: string;
  mime_type: string;
  size: number;
  file_name: string | null;
  uploader_id: string;
  created_at: number;
}

export interface BusinessProfilesTable {
  account_id: string;
  name: string;
  /** One of BUSINESS_CATEGORIES (contracts/business.ts). */
  category: string;
  description: string;
  about: string;
  address: string;
  latitude: number | null;
  longitude: number | null;
  /** IANA time zone, e.g. Europe/Paris. */
  timezone: string;
  /** JSON BusinessHours. */
  hours: string;
  email: string;
  /** JSON string[]. */
  websites: string;
  photo_media_id: string | null;
  verified_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface BusinessShortLinksTable {
  account_id: string;
  code: string;
  prefilled_text: string;
  created_at: number;
  updated_at: number;
}

export interface BroadcastListsTable {
  id: string;
  business_id: string;
  name: string;
  created_at: number;
  updated_at: number;
}

export interface BroadcastListMembersTable {
  list_id: string;
  /** E.164 */
  phone: string;
  added_at: number;
}

export interface BroadcastsTable {
  id: string;
  business_id: string;
  list_id: string;
  list_name: string;
  client_id: string;
  kind: string;
  /** JSON message content. */
  content: string;
  media_id: string | null;
  /** JSON BroadcastRecipientResult[]. */
  results: string;
  reached_count: number;
  not_reached_count: number;
  completed_at: number | null;
  created_at: number;
}

export interface ProductsTable {
  id: string;
  business_id: string;
  name: string;
  description: string;
  /** Minor units of `currency`. */
  price: number;
  /** ISO 4217. */
  currency: string;
  link: string | null;
  /** Unique per business when set. */
  retailer_id: string | null;
  hidden: number;
  created_at: number;
  updated_at: number;
}

export interface ProductImagesTable {
  product_id: string;
  position: number;
  media_id: string;
}

export interface CollectionsTable {
  id: string;
  business_id: string;
  name: string;
  position: number;
  created_at: number;
  updated_at: number;
}

export interface CollectionProductsTable {
  collection_id: string;
  product_id: string;
  position: number;
}

export interface OrdersTable {
  id: string;
  business_id: string;
  customer_id: string;
  chat_id: string;
  /** The order message in the chat (its content's status follows the order). */
  message_id: string;
  /** JSON OrderItem[]. */
  items: string;
  currency: string;
  /** Minor units. */
  total: number;
  note: string;
  /** 'pending' | 'confirmed' | 'shipped' | 'completed' | 'cancelled' */
  status: string;
  created_at: number;
  updated_at: number;
}

export interface QuickRepliesTable {
  id: string;
  business_id: string;
  shortcut: string;
  /** Lower-cased shortcut (unique per business). */
  shortcut_key: string;
  text: string;
  media_id: string | null;
  created_at: number;
  updated_at: number;
}

export interface LabelsTable {
  id: string;
  business_id: string;
  name: string;
  /** Lower-cased name (unique per business). */
  name_key: string;
  /** Index in LABEL_COLORS (contracts/labels.ts). */
  color: number;
  /** DEFAULT_LABELS key until the default label is renamed. */
  default_key: string | null;
  created_at: number;
  updated_at: number;
}

export interface ChatLabelsTable {
  label_id: string;
  chat_id: string;
  business_id: string;
  created_at: number;
}

export interface MessageLabelsTable {
  label_id: string;
  message_id: string;
  chat_id: string;
  business_id: string;
  created_at: number;
}

export interface BusinessAutomationTable {
  account_id: string;
  /** JSON GreetingSettings. */
  greeting: string;
  /** JSON AwaySettings. */
  away: string;
  /** When the away message was last turned on or rescheduled (starts a new away period). */
  away_epoch: number;
  labels_seeded: number;
  updated_at: number;
}

export interface AutomationSendsTable {
  business_id: string;
  chat_id: string;
  kind: string;
  period_key: string;
  trigger_message_id: string;
  created_at: number;
}

export interface BusinessVerificationsTable {
  id: string;
  account_id: string;
  legal_name: string;
  /** JSON string[] of media ids. */
  document_media_ids: string;
  /** 'pending' | 'approved' | 'rejected' */
  status: string;
  reason: string | null;
  reviewed_by: string | null;
  reviewed_at: number | null;
  created_at: number;
}

export interface AdminsTable {
  id: string;
  username: string;
  /** scrypt$N$r$p$salt$hash (base64). */
  password_hash: string;
  created_at: number;
}

export interface AdminSessionsTable {
  token_hash: string;
  admin_id: string;
  created_at: number;
  expires_at: number;
}

/** Business API management (migration 0010). */
export interface ApiNumberStateTable {
  phone_number_id: string;
  pin_hash: string | null;
  pin_failures: number;
  pin_locked_until: number | null;
  registered_at: number | null;
  updated_at: number;
}

export interface ApiQrCodesTable {
  code: string;
  phone_number_id: string;
  account_id: string;
  prefilled_message: string;
  /** 'PNG' | 'SVG' */
  image_format: string;
  created_at: number;
  updated_at: number;
}

export interface ApiCommerceSettingsTable {
  phone_number_id: string;
  id: string;
  is_cart_enabled: number;
  is_catalog_visible: number;
  updated_at: number;
}

export interface DB {
  accounts: AccountsTable;
  verification_codes: VerificationCodesTable;
  devices: DevicesTable;
  contacts: ContactsTable;
  blocks: BlocksTable;
  reports: ReportsTable;
  chats: ChatsTable;
  chat_members: ChatMembersTable;
  messages: MessagesTable;
  reactions: ReactionsTable;
  updates: UpdatesTable;
  media: MediaTable;
  business_profiles: BusinessProfilesTable;
  business_short_links: BusinessShortLinksTable;
  broadcast_lists: BroadcastListsTable;
  broadcast_list_members: BroadcastListMembersTable;
  broadcasts: BroadcastsTable;
  products: ProductsTable;
  product_images: ProductImagesTable;
  collections: CollectionsTable;
  collection_products: CollectionProductsTable;
  orders: OrdersTable;
  quick_replies: QuickRepliesTable;
  labels: LabelsTable;
  chat_labels: ChatLabelsTable;
  message_labels: MessageLabelsTable;
  business_automation: BusinessAutomationTable;
  automation_sends: AutomationSendsTable;
  business_verifications: BusinessVerificationsTable;
  admins: AdminsTable;
  admin_sessions: AdminSessionsTable;
  graph_nodes: GraphNodesTable;
  wabas: WabasTable;
  api_numbers: ApiNumbersTable;
  api_apps: ApiAppsTable;
  api_tokens: ApiTokensTable;
  webhook_subscriptions: WebhookSubscriptionsTable;
  webhook_events: WebhookEventsTable;
  webhook_attempts: WebhookAttemptsTable;
  api_templates: ApiTemplatesTable;
  api_template_sends: ApiTemplateSendsTable;
  api_template_feedback: ApiTemplateFeedbackTable;
  api_conversations: ApiConversationsTable;
  api_status_cursors: ApiStatusCursorsTable;
  api_message_meta: ApiMessageMetaTable;
  api_number_state: ApiNumberStateTable;
  api_qr_codes: ApiQrCodesTable;
  api_commerce_settings: ApiCommerceSettingsTable;
  customer_policy: CustomerPolicyTable;
  api_feedback: ApiFeedbackTable;
  api_quality: ApiQualityTable;
  api_quality_history: ApiQualityHistoryTable;
  e2e_server_keys: E2eServerKeysTable;
  e2e_devices: E2eDevicesTable;
  e2e_key_packages: E2eKeyPackagesTable;
  e2e_groups: E2eGroupsTable;
  e2e_commits: E2eCommitsTable;
  e2e_resends: E2eResendsTable;
  e2e_welcomes: E2eWelcomesTable;
  e2e_group_devices: E2eGroupDevicesTable;
  two_step: TwoStepTable;
  two_step_tickets: TwoStepTicketsTable;
}

/** Business API tier (migration 0007). */
export interface GraphNodesTable {
  id: string;
  /** 'waba' | 'phone_number' | 'app' | 'media' | 'template' | 'catalog' | 'commerce_settings' | 'deleted_media' (an API media id after DELETE) */
  kind: string;
  ref: string;
  waba_id: string;
  created_at: number;
}
export interface WabasTable {
  id: string;
  account_id: string;
  name: string;
  created_at: number;
}
export interface ApiNumbersTable {
  id: string;
  waba_id: string;
  account_id: string;
  display_phone_number: string;
  registered: number;
  created_at: number;
}
export interface ApiAppsTable {
  id: string;
  waba_id: string;
  name: string;
  app_secret: string;
  created_at: number;
}
export interface ApiTokensTable {
  id: string;
  waba_id: string;
  name: string;
  token_hash: string;
  scopes: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}
export interface WebhookSubscriptionsTable {
  app_id: string;
  callback_url: string;
  verify_token: string;
  created_at: number;
  updated_at: number;
  /** Events delivered in one POST at most (1: one change per POST). */
  max_batch: number;
}
export interface WebhookEventsTable {
  id: string;
  app_id: string;
  field: string;
  payload: string;
  attempts: number;
  next_attempt_at: number;
  /** 'pending' | 'delivered' | 'dropped' */
  status: string;
  last_status_code: number | null;
  last_error: string | null;
  created_at: number;
  delivered_at: number | null;
  /** How long the last attempt took, ms (a delivered event's successful attempt has no webhook_attempts row). */
  last_duration_ms: number | null;
}
export interface WebhookAttemptsTable {
  id: string;
  event_id: string;
  app_id: string;
  at: number;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
}

/** Message templates of the Business API tier (migration 0009). */
export interface ApiTemplatesTable {
  id: string;
  waba_id: string;
  name: string;
  language: string;
  /** 'MARKETING' | 'UTILITY' | 'AUTHENTICATION' */
  category: string;
  previous_category: string | null;
  /** 'APPROVED' | 'PENDING' | 'REJECTED' | 'PAUSED' | 'DISABLED' | 'DELETED' … */
  status: string;
  rejected_reason: string;
  /** 'GREEN' | 'YELLOW' | 'RED' | 'UNKNOWN' */
  quality_score: string;
  quality_updated_at: number | null;
  /** 'POSITIONAL' | 'NAMED' */
  parameter_format: string;
  /** JSON */
  components: string;
  body_text: string;
  message_send_ttl_seconds: number | null;
  /** JSON array of epoch ms */
  edit_times: string;
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
  reusable_at: number | null;
  /** JSON {reason, recommendation} of a REJECTED template (migration 0013). */
  rejection_info: string | null;
  /** A PAUSED template is reinstated then (epoch ms). */
  paused_until: number | null;
  pause_count: number;
  /** Sends and feedback before this time do not count for the quality score (the latest reinstatement). */
  quality_since: number | null;
}

/** Template sends and the customer feedback attributed to them (migration 0013, templates/quality.ts). */
export interface ApiTemplateSendsTable {
  message_id: string;
  template_id: string;
  business_id: string;
  customer_id: string;
  at: number;
}
export interface ApiTemplateFeedbackTable {
  id: string;
  template_id: string;
  customer_id: string;
  /** 'block' | 'report' */
  kind: string;
  at: number;
}

/** Generated is re-exported for modules that add tables later. */
export type { Generated };

/** Business API webhooks (migration 0011). */
export interface ApiConversationsTable {
  id: string;
  chat_id: string;
  /** 'service' until the policy decides other categories. */
  origin: string;
  opened_at: number;
  expires_at: number;
}
/** What a Business API send knew that its later statuses repeat (only for sends that need it). */
export interface ApiMessageMetaTable {
  message_id: string;
  /** The request's biz_opaque_callback_data. */
  callback_data: string | null;
  /** 'free_customer_service' for a utility template sent inside an open service window; null: by category. */
  pricing_type: string | null;
}

export interface ApiStatusCursorsTable {
  chat_id: string;
  delivered_seq: number;
  read_seq: number;
}

/** Business messaging policy per business and customer (migration 0012, domain/api/policy.ts). */
export interface CustomerPolicyTable {
  business_id: string;
  customer_id: string;
  /** The customer's latest message to the business; the customer-service window lasts 24 h from it. */
  last_inbound_at: number | null;
  opt_in_at: number | null;
  /** 'customer_message' | 'resume' */
  opt_in_source: string | null;
  marketing_opt_out_at: number | null;
  /** 'quick_reply' | 'customer_control' */
  marketing_opt_out_source: string | null;
  marketing_resumed_at: number | null;
  /** The latest business-initiated message (a template outside the window) to the customer (migration 0014). */
  last_biz_initiated_at: number | null;
}

/** Business API quality rating and messaging limits (migration 0014). */
export interface ApiFeedbackTable {
  id: string;
  business_id: string;
  customer_id: string;
  /** 'block' | 'report' */
  kind: string;
  at: number;
}
export interface ApiQualityTable {
  waba_id: string;
  business_id: string;
  /** 'GREEN' | 'YELLOW' | 'RED' */
  rating: string;
  rating_since: number;
  /** 'TIER_250' | 'TIER_2K' | 'TIER_10K' | 'TIER_100K' | 'TIER_UNLIMITED' */
  tier: string;
  tier_since: number;
  evaluated_at: number;
}
export interface ApiQualityHistoryTable {
  id: string;
  waba_id: string;
  at: number;
  /** Order of the changes made at one time. */
  seq: number;
  /** 'UPGRADE' | 'DOWNGRADE' | 'FLAGGED' | 'UNFLAGGED' */
  event: string;
  detail: string;
}

/** End-to-end encryption (migration 0017). */
export interface E2eServerKeysTable {
  /** 'credentials' */
  id: string;
  /** Ed25519 private key, PKCS#8 DER, base64. */
  private_key: string;
  /** Ed25519 public key, raw 32 bytes, base64. */
  public_key: string;
  created_at: number;
}
export interface E2eDevicesTable {
  device_id: string;
  account_id: string;
  /** The device's signature public key, base64. */
  signature_key: string;
  /** The credential's identity bytes, base64. */
  credential: string;
  /** 1 once the device's first key packages arrived and its chats were told. */
  announced: number;
  created_at: number;
}
export interface E2eKeyPackagesTable {
  id: string;
  device_id: string;
  account_id: string;
  /** The encoded MLS key package message, base64. */
  data: string;
  /** 1: a last-resort key package (RFC 9420 §16.8), handed out only when the device has no other, never deleted (migration 0018). */
  last_resort: Generated<number>;
  created_at: number;
}
export interface E2eGroupsTable {
  chat_id: string;
  epoch: number;
  updated_at: number;
}
export interface E2eCommitsTable {
  chat_id: string;
  /** The epoch the commit leads to. */
  epoch: number;
  sender_device_id: string;
  data: string;
  created_at: number;
}
/** A device the server knows to be in a chat's MLS group: its creator, or added by an accepted welcome (migration 0018). */
export interface E2eGroupDevicesTable {
  chat_id: string;
  device_id: string;
  /** The epoch it joined at. */
  joined_epoch: number;
}
/** A welcome kept for the device it adds until that device confirms it joined (migration 0018). */
export interface E2eWelcomesTable {
  id: string;
  chat_id: string;
  device_id: string;
  account_id: string;
  /** The epoch the device joins at. */
  epoch: number;
  /** The MLS welcome, base64. */
  data: string;
  created_at: number;
}
export interface E2eResendsTable {
  message_id: string;
  requester_device_id: string;
  created_at: number;
}

/** Two-step verification of accounts (migration 0016). */
export interface TwoStepTable {
  account_id: string;
  /** scrypt$N$r$p$salt$hash (base64). */
  pin_hash: string;
  email: string | null;
  enabled_at: number;
  confirmed_at: number;
  reminder_step: number;
  next_reminder_at: number;
  reminder_misses: number;
  failures: number;
  locked_until: number | null;
  reset_code_hash: string | null;
  reset_expires_at: number | null;
  reset_attempts: number;
  reset_requested_at: number | null;
  updated_at: number;
}

export interface TwoStepTicketsTable {
  ticket_hash: string;
  account_id: string;
  device_name: string;
  platform: string;
  expires_at: number;
  created_at: number;
}
