/** Strings of end-to-end encryption (notices, safety numbers), English and French (same keys in both; a test checks). */
export const en = {
  'e2e.waiting': 'Waiting for this message. This may take a while.',
  'e2e.waitingShort': 'Waiting for this message',
  'e2e.notice': 'Messages in this chat are end-to-end encrypted: only the people in it can read them, not Parley. Messages sent before this device was linked cannot be read on it.',
  'e2e.business': 'This chat is with a business: messages are not end-to-end encrypted, they end at the business’s platform, where its software and staff can read them.',
  'e2e.businessShort': 'Business chat · not end-to-end encrypted',
  'e2e.keyChanged': 'The security code with this contact changed (a new device or a reinstall). Check it again in their contact info.',
} as const;

export const fr: Record<keyof typeof en, string> = {
  'e2e.waiting': 'En attente de ce message. Cela peut prendre un moment.',
  'e2e.waitingShort': 'En attente de ce message',
  'e2e.notice': 'Les messages de cette discussion sont chiffrés de bout en bout : seules les personnes qui y participent peuvent les lire, pas Parley. Les messages envoyés avant l’association de cet appareil ne peuvent pas y être lus.',
  'e2e.business': 'Cette discussion est avec une entreprise : les messages ne sont pas chiffrés de bout en bout, ils aboutissent sur la plateforme de l’entreprise, où ses logiciels et son équipe peuvent les lire.',
  'e2e.businessShort': 'Entreprise · pas de chiffrement de bout en bout',
  'e2e.keyChanged': 'Le code de sécurité avec ce contact a changé (un nouvel appareil ou une réinstallation). Vérifiez-le à nouveau dans sa fiche.',
};
