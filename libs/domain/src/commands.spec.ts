import { CommandMetadata, commands } from './commands';
import { FieldError, ValidationError } from './errors';
import { ADDRESS, billingDetails, billingInput } from './testing';

const TENANT = '0f8fad5b-d9cb-469f-a165-70867728950e';

const META: CommandMetadata = {
  commandId: 'cmd-1',
  correlationId: 'corr-1',
  causationId: 'cause-1',
  occurredAt: '2026-01-01T00:00:00.000Z',
  actor: { sub: 'user-1', partnerId: 'partner-1', partnerType: 'direct-csp', roles: ['admin-agent'] },
};

const PROFILE = billingInput();
const ESTABLISH = { tenantId: TENANT, companyName: 'Contoso', domain: 'contoso.onmicrosoft.com' };

/** The field errors a constructor call throws; fails the test if it throws anything else or nothing. */
function fieldErrors(build: () => unknown): FieldError[] {
  try {
    build();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).code).toBe('VALIDATION_FAILED');
    return [...(error as ValidationError).errors];
  }
  throw new Error('expected a ValidationError, but the command was accepted');
}
const fieldNames = (build: () => unknown) => fieldErrors(build).map((e) => e.field);

const update = (body: Record<string, unknown>) =>
  commands.updateBillingProfile(TENANT, { companyName: 'Contoso', ...PROFILE, ...body }, META);
const updateAddress = (address: Record<string, unknown>) => update({ defaultAddress: { ...ADDRESS, ...address } });
const establish = (body: Record<string, unknown>) => commands.establishCustomerRelationship({ ...ESTABLISH, ...body }, META);

describe('accepted commands', () => {
  test('establish carries type, normalized data and the metadata untouched', () => {
    expect(establish({})).toStrictEqual({ type: 'EstablishCustomerRelationship', data: ESTABLISH, metadata: META });
  });

  test('update billing profile splits the company name from the billing details', () => {
    expect(update({}).data).toStrictEqual({
      tenantId: TENANT,
      companyName: 'Contoso',
      billingProfile: billingDetails(),
    });
  });

  test('optional fields that are absent, null or blank are left out, not set to undefined', () => {
    const { contact } = update({
      phoneNumber: '   ',
      defaultAddress: { ...ADDRESS, state: null, addressLine2: '' },
    }).data.billingProfile;
    expect('phoneNumber' in contact).toBe(false);
    expect(Object.keys(contact.defaultAddress).sort()).toEqual(['addressLine1', 'city', 'country', 'postalCode']);
  });

  test('rename, grant, revoke, enable and disable build their types', () => {
    expect(commands.renameCustomer(TENANT, { companyName: 'Fabrikam' }, META).type).toBe('RenameCustomer');
    expect(commands.grantSelfPurchase(TENANT, {}, META).type).toBe('GrantSelfPurchase');
    expect(commands.revokeSelfPurchase(TENANT, {}, META).type).toBe('RevokeSelfPurchase');
    expect(commands.enableCostManagement(TENANT, {}, META)).toStrictEqual({ type: 'EnableCostManagement', data: { tenantId: TENANT }, metadata: META });
    expect(commands.disableCostManagement(TENANT, undefined, META).data).toStrictEqual({ tenantId: TENANT });
  });
});

describe('trimming and control characters', () => {
  test('trims every string', () => {
    const command = update({
      companyName: '  Contoso Ltd  ',
      firstName: '\tAda ',
      email: ' ada@contoso.com\n',
      defaultAddress: { ...ADDRESS, city: '  Redmond  ', addressLine2: '  Building 92 ' },
    });
    expect(command.data.companyName).toBe('Contoso Ltd');
    expect(command.data.billingProfile.contact.firstName).toBe('Ada');
    expect(command.data.billingProfile.contact.email).toBe('ada@contoso.com');
    expect(command.data.billingProfile.contact.defaultAddress).toMatchObject({ city: 'Redmond', addressLine2: 'Building 92' });
  });

  test('measures the length after trimming', () => {
    expect(commands.renameCustomer(TENANT, { companyName: `  ${'a'.repeat(255)}  ` }, META).data.companyName).toHaveLength(255);
  });

  test('a blank required field is required', () => {
    expect(fieldErrors(() => commands.renameCustomer(TENANT, { companyName: '   ' }, META))).toEqual([
      { field: 'companyName', message: 'is required' },
    ]);
  });

  test('a non-string field must be a string', () => {
    expect(fieldErrors(() => commands.renameCustomer(TENANT, { companyName: 42 }, META))).toEqual([
      { field: 'companyName', message: 'must be a string' },
    ]);
  });

  test.each([
    ['NUL', 'Con\u0000toso'],
    ['tab', 'Contoso\tLtd'],
    ['newline', 'Contoso\nLtd'],
    ['escape', 'Contoso\u001b[31m'],
    ['DEL', 'Contoso\u007f'],
    ['C1 NEL', 'Contoso\u0085Ltd'],
    ['C1 APC', 'Contoso\u009f'],
  ])('refuses a %s control character inside a value', (_name, companyName) => {
    expect(fieldErrors(() => commands.renameCustomer(TENANT, { companyName }, META))).toEqual([
      { field: 'companyName', message: 'must not contain control characters' },
    ]);
  });

  test('refuses control characters in nested fields too', () => {
    expect(fieldNames(() => updateAddress({ city: 'Red\u0000mond' }))).toEqual(['defaultAddress.city']);
  });

  test('accepts non-ASCII letters', () => {
    expect(commands.renameCustomer(TENANT, { companyName: 'Müller & Søn, 株式会社' }, META).data.companyName).toBe('Müller & Søn, 株式会社');
  });

  test('accepts characters outside the BMP (a well-formed surrogate pair)', () => {
    expect(commands.renameCustomer(TENANT, { companyName: 'Contoso 𝔸' }, META).data.companyName).toBe('Contoso 𝔸');
  });

  test('normalizes to NFC, so a decomposed and a composed name are the same name', () => {
    const decomposed = 'Cafe\u0301 Ltd';
    expect(commands.renameCustomer(TENANT, { companyName: decomposed }, META).data.companyName).toBe('Caf\u00e9 Ltd');
    expect(update({ firstName: 'Ame\u0301lie' }).data.billingProfile.contact.firstName).toBe('Am\u00e9lie');
  });

  test.each([
    ['a lone high surrogate', 'Contoso \ud835'],
    ['a lone low surrogate', 'Contoso \udd38'],
  ])('refuses %s', (_name, companyName) => {
    expect(fieldErrors(() => commands.renameCustomer(TENANT, { companyName }, META))).toEqual([
      { field: 'companyName', message: 'must be well-formed Unicode (no lone surrogates)' },
    ]);
  });

  test.each([
    ['right-to-left override', 'Contoso\u202eLtd'],
    ['left-to-right mark', 'Contoso\u200e'],
    ['first strong isolate', '\u2068Contoso'],
    ['Arabic letter mark', 'Contoso\u061c'],
    ['zero-width space', 'Con\u200btoso'],
    ['zero-width joiner', 'Con\u200dtoso'],
    ['word joiner', 'Con\u2060toso'],
    ['byte-order mark', 'Contoso\ufeff Ltd'],
  ])('refuses an invisible %s, which would make a lookalike name', (_name, companyName) => {
    expect(fieldErrors(() => commands.renameCustomer(TENANT, { companyName }, META))).toEqual([
      { field: 'companyName', message: 'must not contain invisible formatting characters (bidirectional or zero-width)' },
    ]);
  });

  test('refuses invisible characters in billing fields too', () => {
    expect(fieldNames(() => update({ lastName: 'Love\u200blace', defaultAddress: { ...ADDRESS, city: 'Red\u202emond' } }))).toEqual([
      'lastName',
      'defaultAddress.city',
    ]);
  });
});

describe('length bounds', () => {
  const long = (n: number) => 'a'.repeat(n);
  // [field named in the error, build with a value of that field, the field's maximum length]
  const BOUNDS: [string, (value: string) => unknown, number][] = [
    ['companyName', (v) => update({ companyName: v }), 255],
    ['firstName', (v) => update({ firstName: v }), 50],
    ['lastName', (v) => update({ lastName: v }), 50],
    ['defaultAddress.addressLine1', (v) => updateAddress({ addressLine1: v }), 200],
    ['defaultAddress.addressLine2', (v) => updateAddress({ addressLine2: v }), 200],
    ['defaultAddress.addressLine3', (v) => updateAddress({ addressLine3: v }), 200],
    ['defaultAddress.city', (v) => updateAddress({ city: v }), 100],
    ['defaultAddress.state', (v) => updateAddress({ state: v }), 100],
    ['defaultAddress.postalCode', (v) => updateAddress({ postalCode: v }), 20],
  ];

  test.each(BOUNDS)('%s accepts exactly the limit', (_field, build, limit) => {
    expect(() => build(long(limit))).not.toThrow();
  });

  test.each(BOUNDS)('%s refuses one character over the limit', (field, build, limit) => {
    expect(fieldErrors(() => build(long(limit + 1)))).toEqual([{ field, message: `must be 1–${limit} characters long` }]);
  });

  test('email: 254 characters accepted, 255 refused', () => {
    const email = (n: number) => `${'a'.repeat(n - '@example.com'.length)}@example.com`;
    expect(update({ email: email(254) }).data.billingProfile.contact.email).toHaveLength(254);
    expect(fieldErrors(() => update({ email: email(255) }))).toEqual([{ field: 'email', message: 'must be 3–254 characters long' }]);
  });

  test('phone: 30 characters accepted, 31 refused', () => {
    const phone30 = '+1-2-3-4-5-6-7-8-9-0-1-2-3-4-5';
    expect(phone30).toHaveLength(30);
    expect(update({ phoneNumber: phone30 }).data.billingProfile.contact.phoneNumber).toBe(phone30);
    expect(fieldNames(() => update({ phoneNumber: `${phone30.slice(0, -1)}-5` }))).toEqual(['phoneNumber']);
  });

  test('culture: 20 characters accepted, 21 refused', () => {
    expect(update({ culture: 'en-abcdefgh-abcdefgh' }).data.billingProfile.culture).toBe('en-abcdefgh-abcdefgh');
    expect(fieldErrors(() => update({ culture: 'en-abcdefgh-abcdefgh1' }))).toEqual([
      { field: 'culture', message: 'must be 2–20 characters long' },
    ]);
  });

  test('domain: 253 characters accepted, 254 refused', () => {
    const label = (c: string, n: number) => c.repeat(n);
    const domain253 = [label('a', 63), label('b', 63), label('c', 63), label('d', 61)].join('.');
    expect(domain253).toHaveLength(253);
    expect(establish({ domain: domain253 }).data.domain).toBe(domain253);
    expect(fieldErrors(() => establish({ domain: `${domain253}d` }))).toEqual([
      { field: 'domain', message: 'must be 3–253 characters long' },
    ]);
  });

  test('domain: a label of 63 characters accepted, 64 refused', () => {
    expect(() => establish({ domain: `${'a'.repeat(63)}.com` })).not.toThrow();
    expect(fieldNames(() => establish({ domain: `${'a'.repeat(64)}.com` }))).toEqual(['domain']);
  });
});

describe('formats', () => {
  test.each(['ada', 'ada@contoso', 'ada@@contoso.com', 'ada @contoso.com', 'ada@contoso..com', '@contoso.com', 'ada@.com'])(
    'refuses the email %p',
    (email) => {
      expect(fieldNames(() => update({ email }))).toEqual(['email']);
    },
  );

  test('an email with a bad shape gets the format message', () => {
    expect(fieldErrors(() => update({ email: 'ada@contoso' }))).toEqual([{ field: 'email', message: 'must be an email address' }]);
  });

  test.each(['+1 425 555 0100', '+44 (20) 7946-0958', '0800.555.0100', '1234567', '+123456789012345'])(
    'accepts the phone number %p',
    (phoneNumber) => {
      expect(update({ phoneNumber }).data.billingProfile.contact.phoneNumber).toBe(phoneNumber);
    },
  );

  test.each([
    ['letters', 'call me now'],
    ['too few digits', '+1 (2) 3-4-5-6'],
    ['16 digits', '+1234567890123456'],
    ['a plus in the middle', '1234+5678'],
    ['an extension', '+1 425 555 0100 x12'],
  ])('refuses a phone number with %s', (_why, phoneNumber) => {
    expect(fieldNames(() => update({ phoneNumber }))).toEqual(['phoneNumber']);
  });

  test('an invalid phone number gets the format message', () => {
    expect(fieldErrors(() => update({ phoneNumber: 'call me now' }))).toEqual([
      { field: 'phoneNumber', message: 'must be a phone number such as +1 425 555 0100' },
    ]);
  });

  test.each(['en', 'en-US', 'zh-Hans-CN', 'fil-PH'])('accepts the culture %p as given', (culture) => {
    expect(update({ culture }).data.billingProfile.culture).toBe(culture);
  });

  test.each(['english', 'en_US', 'e1-US', 'en-', 'en-U'])('refuses the culture %p', (culture) => {
    expect(fieldNames(() => update({ culture }))).toEqual(['culture']);
  });

  test('a culture with a bad shape gets the format message', () => {
    expect(fieldErrors(() => update({ culture: 'en_US' }))).toEqual([{ field: 'culture', message: 'must be a culture such as en-US' }]);
  });

  test.each([
    ['EN', 'en'],
    ['fil', 'fil'],
  ])('accepts the language %p as %p', (language, expected) => {
    expect(update({ language }).data.billingProfile.language).toBe(expected);
  });

  test.each(['e', 'engl', 'e1', 'en-US'])('refuses the language %p', (language) => {
    expect(fieldNames(() => update({ language }))).toEqual(['language']);
  });

  test('a language with a bad shape gets the format message', () => {
    expect(fieldErrors(() => update({ language: 'e1' }))).toEqual([
      { field: 'language', message: 'must be a language code such as en' },
    ]);
  });
});

describe('country', () => {
  test('normalizes a lowercase country to uppercase', () => {
    expect(updateAddress({ country: ' gb ' }).data.billingProfile.contact.defaultAddress.country).toBe('GB');
  });

  test.each(['XX', 'xx', 'UK', 'U1'])('refuses %p, which is not an assigned ISO 3166-1 alpha-2 code', (country) => {
    expect(fieldErrors(() => updateAddress({ country }))).toEqual([
      { field: 'defaultAddress.country', message: 'must be an ISO 3166-1 alpha-2 country code' },
    ]);
  });

  test.each(['USA', 'U'])('refuses %p, which is not two letters long', (country) => {
    expect(fieldNames(() => updateAddress({ country }))).toEqual(['defaultAddress.country']);
  });

  test('requires a country', () => {
    const { country: _dropped, ...withoutCountry } = ADDRESS;
    expect(fieldErrors(() => update({ defaultAddress: withoutCountry }))).toEqual([
      { field: 'defaultAddress.country', message: 'is required' },
    ]);
  });
});

describe('defaultAddress', () => {
  test.each([undefined, null])('is required when %p', (defaultAddress) => {
    expect(fieldErrors(() => update({ defaultAddress }))).toEqual([{ field: 'defaultAddress', message: 'is required' }]);
  });

  test.each([['a string', '1 Microsoft Way'], ['an array', [ADDRESS]]])('must be an object, not %s', (_what, defaultAddress) => {
    expect(fieldErrors(() => update({ defaultAddress }))).toEqual([{ field: 'defaultAddress', message: 'must be an object' }]);
  });

  test('an empty address names each required field', () => {
    expect(fieldNames(() => update({ defaultAddress: {} }))).toEqual([
      'defaultAddress.addressLine1',
      'defaultAddress.city',
      'defaultAddress.postalCode',
      'defaultAddress.country',
    ]);
  });
});

describe('tenant ids', () => {
  test('establish normalizes the tenant id and the domain to lowercase', () => {
    const { data } = establish({ tenantId: TENANT.toUpperCase(), domain: 'Contoso.OnMicrosoft.COM' });
    expect(data).toMatchObject({ tenantId: TENANT, domain: 'contoso.onmicrosoft.com' });
  });

  test.each(['not-a-uuid', `${TENANT}0`, 'zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz', TENANT.replace(/-/g, '')])(
    'establish refuses the tenant id %p',
    (tenantId) => {
      expect(fieldNames(() => establish({ tenantId }))).toEqual(['tenantId']);
    },
  );

  test('a 36-character tenant id that is not a UUID gets the UUID message', () => {
    expect(fieldErrors(() => establish({ tenantId: 'zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz' }))).toEqual([
      { field: 'tenantId', message: 'must be a UUID' },
    ]);
  });

  test('a path id is normalized to lowercase', () => {
    expect(commands.enableCostManagement(TENANT.toUpperCase(), {}, META).data.tenantId).toBe(TENANT);
  });

  test.each([
    ['renameCustomer', () => commands.renameCustomer('not-a-uuid', { companyName: 'Contoso' }, META)],
    ['updateBillingProfile', () => commands.updateBillingProfile('not-a-uuid', { companyName: 'Contoso', ...PROFILE }, META)],
    ['grantSelfPurchase', () => commands.grantSelfPurchase('not-a-uuid', {}, META)],
    ['revokeSelfPurchase', () => commands.revokeSelfPurchase('not-a-uuid', {}, META)],
    ['enableCostManagement', () => commands.enableCostManagement('not-a-uuid', {}, META)],
    ['disableCostManagement', () => commands.disableCostManagement(` ${TENANT}`, {}, META)],
  ])('%s refuses a path id that is not a UUID', (_name, build) => {
    expect(fieldErrors(build)).toEqual([{ field: 'id', message: 'must be a customer tenant id (UUID)' }]);
  });
});

describe('domain', () => {
  test.each(['contoso', 'contoso..com', '-contoso.com', 'contoso-.com', 'contoso.c0m-', 'conto so.com', 'contoso.123', 'contoso.com.'])(
    'refuses %p',
    (domain) => {
      expect(fieldNames(() => establish({ domain }))).toEqual(['domain']);
    },
  );

  test('is required', () => {
    const { domain: _dropped, ...withoutDomain } = ESTABLISH;
    expect(fieldErrors(() => commands.establishCustomerRelationship(withoutDomain, META))).toEqual([
      { field: 'domain', message: 'is required' },
    ]);
  });
});

describe("establish's billing profile", () => {
  test('is read and normalized when given', () => {
    const command = establish({ billingProfile: { ...PROFILE, language: 'EN', defaultAddress: { ...ADDRESS, country: 'us' } } });
    expect(command.data.billingProfile).toMatchObject({ language: 'en', contact: { defaultAddress: { country: 'US' } } });
  });

  test.each([undefined, null])('is left out when %p', (billingProfile) => {
    expect('billingProfile' in establish({ billingProfile }).data).toBe(false);
  });

  test('must not contain companyName: the top-level name is the company name', () => {
    expect(fieldNames(() => establish({ billingProfile: { ...PROFILE, companyName: 'Contoso' } }))).toEqual(['billingProfile.companyName']);
  });

  test('must be an object', () => {
    expect(fieldErrors(() => establish({ billingProfile: 'yes' }))).toEqual([{ field: 'billingProfile', message: 'must be an object' }]);
  });

  test('names nested errors under billingProfile', () => {
    expect(
      fieldNames(() => establish({ billingProfile: { ...PROFILE, email: 'nope', defaultAddress: { ...ADDRESS, city: '' } } })),
    ).toEqual(['billingProfile.email', 'billingProfile.defaultAddress.city']);
  });

  test('a missing defaultAddress is billingProfile.defaultAddress', () => {
    const { defaultAddress: _dropped, ...withoutAddress } = PROFILE;
    expect(fieldErrors(() => establish({ billingProfile: withoutAddress }))).toEqual([
      { field: 'billingProfile.defaultAddress', message: 'is required' },
    ]);
  });
});

describe('self-purchase resources', () => {
  const grant = (body: unknown) => commands.grantSelfPurchase(TENANT, body, META);
  const revoke = (body: unknown) => commands.revokeSelfPurchase(TENANT, body, META);

  test.each([
    ['no body', undefined],
    ['a null body', null],
    ['no resources', {}],
    ['null resources', { resources: null }],
  ])('%s means the whole catalogue', (_what, body) => {
    expect(grant(body).data.resources).toEqual(['AzureReservedInstances', 'AzureSavingsPlan']);
    expect(revoke(body).data.resources).toEqual(['AzureReservedInstances', 'AzureSavingsPlan']);
  });

  test('puts resources in catalogue order, each once', () => {
    expect(grant({ resources: ['AzureSavingsPlan', 'AzureReservedInstances', 'AzureSavingsPlan'] }).data.resources).toEqual([
      'AzureReservedInstances',
      'AzureSavingsPlan',
    ]);
  });

  test.each([
    ['an empty array', []],
    ['an unknown value', ['AzureSavingsPlan', 'AzureVirtualMachines']],
    ['a wrongly cased value', ['azuresavingsplan']],
    ['a non-string value', [1]],
    ['a string instead of an array', 'AzureSavingsPlan'],
  ])('refuses %s', (_what, resources) => {
    expect(fieldNames(() => grant({ resources }))).toEqual(['resources']);
    expect(fieldNames(() => revoke({ resources }))).toEqual(['resources']);
  });
});

describe('the body', () => {
  test.each([
    ['a string', 'Contoso'],
    ['a number', 42],
    ['a boolean', true],
    ['an array', [{ companyName: 'Contoso' }]],
  ])('must be an object, not %s', (_what, body) => {
    const expected = [{ field: 'body', message: 'must be a JSON object' }];
    expect(fieldErrors(() => commands.establishCustomerRelationship(body, META))).toEqual(expected);
    expect(fieldErrors(() => commands.renameCustomer(TENANT, body, META))).toEqual(expected);
    expect(fieldErrors(() => commands.enableCostManagement(TENANT, body, META))).toEqual(expected);
  });

  test('an empty establish body names every required field', () => {
    expect(fieldNames(() => commands.establishCustomerRelationship({}, META))).toEqual(['tenantId', 'companyName', 'domain']);
  });
});

describe('several bad fields', () => {
  test('yield one entry per field, with nested names', () => {
    const errors = fieldErrors(() =>
      commands.updateBillingProfile(
        'nope',
        {
          companyName: '',
          firstName: 'a'.repeat(51),
          email: 'ada@contoso',
          phoneNumber: '12',
          culture: 'en_US',
          language: 'english',
          defaultAddress: { addressLine1: '1 Microsoft Way', city: 'Red\u0007mond', postalCode: '', country: 'XX' },
        },
        META,
      ),
    );
    expect(errors.map((e) => e.field).sort()).toEqual(
      [
        'id',
        'companyName',
        'firstName',
        'lastName',
        'email',
        'phoneNumber',
        'culture',
        'language',
        'defaultAddress.city',
        'defaultAddress.postalCode',
        'defaultAddress.country',
      ].sort(),
    );
    expect(errors.every((e) => typeof e.message === 'string' && e.message.length > 0)).toBe(true);
  });

  test('the error message lists every field', () => {
    const error = (() => {
      try {
        commands.renameCustomer('nope', { companyName: '' }, META);
      } catch (e) {
        return e as ValidationError;
      }
      throw new Error('expected a ValidationError');
    })();
    expect(error.message).toBe('id: must be a customer tenant id (UUID); companyName: is required');
  });
});

describe('unknown properties', () => {
  test('are refused at every level, each by its path, together with the bad values of the same body', () => {
    expect(
      fieldErrors(() =>
        establish({ companyName: '', extra: 1, billingProfile: { ...PROFILE, email: 'nope', nick: 'x', defaultAddress: { ...ADDRESS, floor: 3 } } }),
      ),
    ).toEqual(
      expect.arrayContaining([
        { field: 'companyName', message: 'is required' },
        { field: 'extra', message: 'is not a known property' },
        { field: 'billingProfile.email', message: 'must be an email address' },
        { field: 'billingProfile.nick', message: 'is not a known property' },
        { field: 'billingProfile.defaultAddress.floor', message: 'is not a known property' },
      ]),
    );
  });

  test('are refused on commands that take no fields', () => {
    expect(fieldNames(() => commands.enableCostManagement(TENANT, { enabled: true }, META))).toEqual(['enabled']);
  });
});
