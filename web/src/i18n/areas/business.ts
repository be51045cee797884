/** Strings of the business tier's business screens, English and French (same keys in both; a test checks). */
export const en = {
  'business.tools': 'Business tools',
  'business.toolsClose': 'Close business tools',
  'business.back': 'Back',
} as const;

export const fr: Record<keyof typeof en, string> = {
  'business.tools': 'Outils professionnels',
  'business.toolsClose': 'Fermer les outils professionnels',
  'business.back': 'Retour',
};
