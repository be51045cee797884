import { describe, expect, it } from 'vitest';
import { addButton, emptyDraft, fromTemplate, newButton, slotOf, toComponents, toInput, toPreview, variablesOf } from './template-draft.js';
import { template } from './template-fake-server.js';

describe('the template draft', () => {
  it('finds variables in order of appearance; positional ones by number', () => {
    expect(variablesOf('Hi {{2}} and {{1}}, {{2}} again', 'POSITIONAL')).toEqual(['1', '2']);
    expect(variablesOf('Hi {{first_name}}, on {{day}} at {{ time }}', 'NAMED')).toEqual(['first_name', 'day', 'time']);
    expect(variablesOf('no {variable} here {{}}')).toEqual([]);
  });

  it('builds the Graph body of a named-variable template with a header, footer and every kind of button', () => {
    const d = emptyDraft();
    d.name = 'fall_promo';
    d.category = 'MARKETING';
    d.format = 'NAMED';
    d.header = { kind: 'TEXT', text: 'Sale for {{first_name}}', sample: 'Ana', media: '' };
    d.body = 'Hi {{first_name}}, use {{code}} today.';
    d.samples = { first_name: 'Ana', code: 'FALL25', gone: 'kept for later' };
    d.footer = 'Reply STOP to opt out';
    let buttons = addButton([], newButton('URL'));
    buttons = addButton(buttons, newButton('QUICK_REPLY'));
    buttons = addButton(buttons, newButton('PHONE_NUMBER'));
    buttons = addButton(buttons, newButton('QUICK_REPLY'));
    buttons = addButton(buttons, newButton('COPY_CODE'));
    d.buttons = buttons.map((b) => ({ ...b, text: b.type === 'COPY_CODE' ? '' : `${b.type} text`, url: 'https://shop.example/{{1}}', urlSample: 'fall', phone: '+33 6 12 34 56 78', code: 'FALL25' }));
    expect(toInput(d)).toEqual({
      name: 'fall_promo',
      language: 'en_US',
      category: 'MARKETING',
      parameter_format: 'NAMED',
      components: [
        { type: 'HEADER', format: 'TEXT', text: 'Sale for {{first_name}}', example: { header_text_named_params: [{ param_name: 'first_name', example: 'Ana' }] } },
        { type: 'BODY', text: 'Hi {{first_name}}, use {{code}} today.', example: { body_text_named_params: [{ param_name: 'first_name', example: 'Ana' }, { param_name: 'code', example: 'FALL25' }] } },
        { type: 'FOOTER', text: 'Reply STOP to opt out' },
        {
          type: 'BUTTONS',
          buttons: [
            { type: 'QUICK_REPLY', text: 'QUICK_REPLY text' },
            { type: 'QUICK_REPLY', text: 'QUICK_REPLY text' },
            { type: 'URL', text: 'URL text', url: 'https://shop.example/{{1}}', example: ['fall'] },
            { type: 'PHONE_NUMBER', text: 'PHONE_NUMBER text', phone_number: '+33 6 12 34 56 78' },
            { type: 'COPY_CODE', example: 'FALL25' },
          ],
        },
      ],
    });
  });

  it('builds an authentication template from its few settings, and previews its fixed text', () => {
    const d = emptyDraft();
    d.name = 'login_code';
    d.category = 'AUTHENTICATION';
    d.body = 'ignored';
    expect(toComponents(d)).toEqual([
      { type: 'BODY', add_security_recommendation: true },
      { type: 'FOOTER', code_expiration_minutes: 10 },
      { type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'COPY_CODE', text: 'Copy code' }] },
    ]);
    const p = toPreview(d);
    expect(p.body).toBe('*123456* is your verification code. For your security, do not share this code.');
    expect(p.footer).toBe('This code expires in 10 minutes.');
    expect(p.buttons).toEqual([{ type: 'otp', text: 'Copy code', code: '123456' }]);
  });

  it('reads back a stored template as the Graph API returns it (authentication, copy code)', () => {
    const auth = fromTemplate(
      template({
        category: 'AUTHENTICATION',
        components: [
          { type: 'BODY', text: '*{{1}}* is your verification code.' },
          { type: 'FOOTER', text: 'This code expires in 5 minutes.' },
          { type: 'BUTTONS', buttons: [{ type: 'URL', text: 'Copy the code', url: 'https://www.whatsapp.com/otp/code/?otp_type=COPY_CODE&code=otp{{1}}' }] },
        ],
      }),
    );
    expect(auth.auth).toEqual({ securityRecommendation: false, expirationMinutes: '5', buttonText: 'Copy the code' });
    const promo = fromTemplate(template({ category: 'MARKETING', components: [{ type: 'BODY', text: 'Code {{1}} inside.', example: { body_text: [['X']] } }, { type: 'BUTTONS', buttons: [{ type: 'COPY_CODE', text: 'Copy offer code', example: 'FALL25' }] }] }));
    expect(promo.buttons.map((b) => [b.type, b.code])).toEqual([['COPY_CODE', 'FALL25']]);
    expect(promo.samples).toEqual({ 1: 'X' });
  });

  it('places a review problem in the form, by component index or by name', () => {
    const sent = toComponents({ ...emptyDraft(), header: { kind: 'TEXT', text: 'Hi', sample: '', media: '' }, body: 'Body', footer: 'Foot', buttons: [newButton('QUICK_REPLY'), newButton('URL')] });
    expect(slotOf('components[0].text', sent)).toBe('header');
    expect(slotOf('components[1].example.body_text', sent)).toBe('body');
    expect(slotOf('components[2].text', sent)).toBe('footer');
    expect(slotOf('components[3].buttons[1].url', sent)).toBe('button:1');
    expect(slotOf('components[3]', sent)).toBe('buttons');
    expect(slotOf('components.body.text', sent)).toBe('body');
    expect(slotOf('components.buttons.buttons[0].text', sent)).toBe('button:0');
    expect(slotOf('name', sent)).toBe('name');
    expect(slotOf('parameter_format', sent)).toBe('format');
    expect(slotOf('template', sent)).toBe('other');
    expect(slotOf('components[9].text', sent)).toBe('other');
  });
});
