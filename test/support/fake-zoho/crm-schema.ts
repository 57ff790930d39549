// CRM module + field metadata (shapes from Zoho's v8 OAS modules.json / fields.json).

export type DataType =
  | 'text'
  | 'textarea'
  | 'email'
  | 'phone'
  | 'website'
  | 'picklist'
  | 'integer'
  | 'currency'
  | 'double'
  | 'date'
  | 'datetime'
  | 'boolean'
  | 'lookup'
  | 'ownerlookup';

export interface FieldDef {
  api: string;
  label: string;
  type: DataType;
  mandatory?: boolean;
  length?: number;
  picklist?: string[];
  /** Target module of a lookup. */
  lookup?: string;
  readOnly?: boolean;
}

export interface ModuleDef {
  api: string;
  id: string;
  singular: string;
  plural: string;
  /** Field whose value names a record in lookups ({name, id}). */
  nameField: string;
  /** Default duplicate-check fields for upsert. */
  dupFields: string[];
  /** Related list api name -> child module + the child's lookup field pointing at this module. */
  related: Record<string, { module: string; field: string }>;
  fields: FieldDef[];
}

const t = (api: string, label: string, length = 255, extra: Partial<FieldDef> = {}): FieldDef => ({
  api,
  label,
  type: 'text',
  length,
  ...extra,
});
const pick = (api: string, label: string, values: string[], extra: Partial<FieldDef> = {}): FieldDef => ({
  api,
  label,
  type: 'picklist',
  picklist: ['-None-', ...values],
  length: 120,
  ...extra,
});

const SYSTEM: FieldDef[] = [
  { api: 'Owner', label: 'Owner', type: 'ownerlookup' },
  { api: 'Created_By', label: 'Created By', type: 'ownerlookup', readOnly: true },
  { api: 'Modified_By', label: 'Modified By', type: 'ownerlookup', readOnly: true },
  { api: 'Created_Time', label: 'Created Time', type: 'datetime', readOnly: true },
  { api: 'Modified_Time', label: 'Modified Time', type: 'datetime', readOnly: true },
];

const LEAD_SOURCE = pick('Lead_Source', 'Lead Source', [
  'Advertisement', 'Cold Call', 'Employee Referral', 'External Referral', 'Online Store', 'Partner',
  'Public Relations', 'Seminar Partner', 'Trade Show', 'Web Download', 'Web Research', 'Chat',
]);
const INDUSTRY = pick('Industry', 'Industry', [
  'ASP (Application Service Provider)', 'Data/Telecom OEM', 'ERP (Enterprise Resource Planning)', 'Government/Military',
  'Large Enterprise', 'Management ISV', 'Non-management ISV', 'Service Provider', 'Small/Medium Enterprise',
]);
const email = (api = 'Email', label = 'Email'): FieldDef => ({ api, label, type: 'email', length: 100 });
const phone = (api = 'Phone', label = 'Phone'): FieldDef => ({ api, label, type: 'phone', length: 30 });
const desc: FieldDef = { api: 'Description', label: 'Description', type: 'textarea', length: 32000 };

const MODULES: ModuleDef[] = [
  {
    api: 'Leads',
    id: '5843104000000002175',
    singular: 'Lead',
    plural: 'Leads',
    nameField: 'Full_Name',
    dupFields: ['Email'],
    related: { Notes: { module: 'Notes', field: 'Parent_Id' } },
    fields: [
      t('First_Name', 'First Name', 40),
      t('Last_Name', 'Last Name', 80, { mandatory: true }),
      t('Full_Name', 'Lead Name', 120, { readOnly: true }),
      email(),
      phone(),
      phone('Mobile', 'Mobile'),
      t('Company', 'Company', 200),
      t('Designation', 'Title', 100),
      pick('Lead_Status', 'Lead Status', [
        'Attempted to Contact', 'Contact in Future', 'Contacted', 'Junk Lead', 'Lost Lead', 'Not Contacted', 'Pre-Qualified', 'Not Qualified',
      ]),
      LEAD_SOURCE,
      INDUSTRY,
      { api: 'Annual_Revenue', label: 'Annual Revenue', type: 'currency', length: 16 },
      { api: 'No_of_Employees', label: 'No. of Employees', type: 'integer', length: 9 },
      { api: 'Website', label: 'Website', type: 'website', length: 255 },
      t('City', 'City', 100),
      t('Country', 'Country', 100),
      desc,
      { api: 'Email_Opt_Out', label: 'Email Opt Out', type: 'boolean' },
      ...SYSTEM,
    ],
  },
  {
    api: 'Contacts',
    id: '5843104000000002179',
    singular: 'Contact',
    plural: 'Contacts',
    nameField: 'Full_Name',
    dupFields: ['Email'],
    related: {
      Notes: { module: 'Notes', field: 'Parent_Id' },
      Deals: { module: 'Deals', field: 'Contact_Name' },
    },
    fields: [
      t('First_Name', 'First Name', 40),
      t('Last_Name', 'Last Name', 80, { mandatory: true }),
      t('Full_Name', 'Contact Name', 120, { readOnly: true }),
      email(),
      phone(),
      phone('Mobile', 'Mobile'),
      { api: 'Account_Name', label: 'Account Name', type: 'lookup', lookup: 'Accounts' },
      t('Title', 'Title', 100),
      t('Department', 'Department', 100),
      LEAD_SOURCE,
      { api: 'Date_of_Birth', label: 'Date of Birth', type: 'date' },
      t('Mailing_City', 'Mailing City', 100),
      t('Mailing_Country', 'Mailing Country', 100),
      desc,
      { api: 'Email_Opt_Out', label: 'Email Opt Out', type: 'boolean' },
      ...SYSTEM,
    ],
  },
  {
    api: 'Accounts',
    id: '5843104000000002177',
    singular: 'Account',
    plural: 'Accounts',
    nameField: 'Account_Name',
    dupFields: ['Account_Name'],
    related: {
      Notes: { module: 'Notes', field: 'Parent_Id' },
      Contacts: { module: 'Contacts', field: 'Account_Name' },
      Deals: { module: 'Deals', field: 'Account_Name' },
    },
    fields: [
      t('Account_Name', 'Account Name', 200, { mandatory: true }),
      { api: 'Website', label: 'Website', type: 'website', length: 255 },
      phone(),
      INDUSTRY,
      pick('Account_Type', 'Account Type', ['Analyst', 'Competitor', 'Customer', 'Distributor', 'Investor', 'Partner', 'Prospect', 'Reseller', 'Vendor']),
      { api: 'Annual_Revenue', label: 'Annual Revenue', type: 'currency', length: 16 },
      { api: 'Employees', label: 'Employees', type: 'integer', length: 9 },
      t('Billing_City', 'Billing City', 100),
      t('Billing_Country', 'Billing Country', 100),
      desc,
      ...SYSTEM,
    ],
  },
  {
    api: 'Deals',
    id: '5843104000000002181',
    singular: 'Deal',
    plural: 'Deals',
    nameField: 'Deal_Name',
    dupFields: ['Deal_Name'],
    related: { Notes: { module: 'Notes', field: 'Parent_Id' } },
    fields: [
      t('Deal_Name', 'Deal Name', 120, { mandatory: true }),
      pick(
        'Stage',
        'Stage',
        ['Qualification', 'Needs Analysis', 'Value Proposition', 'Identify Decision Makers', 'Proposal/Price Quote', 'Negotiation/Review', 'Closed Won', 'Closed Lost'],
        { mandatory: true },
      ),
      { api: 'Amount', label: 'Amount', type: 'currency', length: 16 },
      { api: 'Closing_Date', label: 'Closing Date', type: 'date' },
      { api: 'Account_Name', label: 'Account Name', type: 'lookup', lookup: 'Accounts' },
      { api: 'Contact_Name', label: 'Contact Name', type: 'lookup', lookup: 'Contacts' },
      { api: 'Probability', label: 'Probability (%)', type: 'integer', length: 3 },
      pick('Type', 'Type', ['Existing Business', 'New Business']),
      LEAD_SOURCE,
      t('Next_Step', 'Next Step', 100),
      desc,
      ...SYSTEM,
    ],
  },
  {
    api: 'Notes',
    id: '5843104000000002185',
    singular: 'Note',
    plural: 'Notes',
    nameField: 'Note_Title',
    dupFields: [],
    related: {},
    fields: [
      t('Note_Title', 'Note Title', 120),
      { api: 'Note_Content', label: 'Note Content', type: 'textarea', length: 32000, mandatory: true },
      // Multi-module lookup; body shape {module:{api_name}, id} per notes.json Parent_Id.
      { api: 'Parent_Id', label: 'Parent ID', type: 'lookup', mandatory: true },
      ...SYSTEM,
    ],
  },
];

const BY_LOWER = new Map(MODULES.map((m) => [m.api.toLowerCase(), m]));

export const crmModules = (): readonly ModuleDef[] => MODULES;

/** Module api names resolve case-insensitively. */
export const moduleDef = (name: string | undefined): ModuleDef | undefined =>
  name === undefined ? undefined : BY_LOWER.get(name.toLowerCase());

export const fieldDef = (m: ModuleDef, api: string): FieldDef | undefined => m.fields.find((f) => f.api === api);

const JSON_TYPE: Record<DataType, string> = {
  text: 'string',
  textarea: 'string',
  email: 'string',
  phone: 'string',
  website: 'string',
  picklist: 'string',
  integer: 'integer',
  currency: 'double',
  double: 'double',
  date: 'string',
  datetime: 'string',
  boolean: 'boolean',
  lookup: 'jsonobject',
  ownerlookup: 'jsonobject',
};

export function moduleMeta(m: ModuleDef): Record<string, unknown> {
  return {
    api_name: m.api,
    module_name: m.api,
    singular_label: m.singular,
    plural_label: m.plural,
    id: m.id,
    api_supported: true,
    generated_type: 'default',
    status: 'visible',
    visible: true,
    creatable: true,
    editable: true,
    deletable: true,
    viewable: true,
  };
}

export function fieldMeta(m: ModuleDef, f: FieldDef, i: number): Record<string, unknown> {
  const target = f.lookup ? moduleDef(f.lookup) : undefined;
  return {
    api_name: f.api,
    field_label: f.label,
    display_label: f.label,
    data_type: f.type,
    json_type: JSON_TYPE[f.type],
    system_mandatory: f.mandatory === true,
    read_only: f.readOnly === true,
    field_read_only: f.readOnly === true,
    custom_field: false,
    visible: true,
    id: `${m.id.slice(0, 13)}${String(100 + i).padStart(6, '0')}`,
    ...(f.length !== undefined ? { length: f.length } : {}),
    ...(f.picklist
      ? { pick_list_values: f.picklist.map((v) => ({ display_value: v, actual_value: v, type: 'used' })) }
      : {}),
    ...(target ? { lookup: { module: { api_name: target.api, id: target.id }, api_name: f.api, display_label: f.label } } : {}),
    ...(f.type === 'currency' ? { decimal_place: 2, currency: { rounding_option: 'normal', precision: 2 } } : {}),
  };
}
