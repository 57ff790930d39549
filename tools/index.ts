import type { AnyTool } from '../src/tools/define-tool.ts';
import { browserNavigateAndScreenshot } from './browser/navigate-and-screenshot.ts';
import { crmAddNote } from './crm/add-note.ts';
import { crmCoqlQuery } from './crm/coql-query.ts';
import { crmCreateRecord } from './crm/create-record.ts';
import { crmDeleteRecord } from './crm/delete-record.ts';
import { crmGetCurrentUser } from './crm/get-current-user.ts';
import { crmGetFields } from './crm/get-fields.ts';
import { crmGetOrg } from './crm/get-org.ts';
import { crmGetRecord } from './crm/get-record.ts';
import { crmGetRelatedRecords } from './crm/get-related-records.ts';
import { crmListModules } from './crm/list-modules.ts';
import { crmListNotes } from './crm/list-notes.ts';
import { crmListRecords } from './crm/list-records.ts';
import { crmSearchRecords } from './crm/search-records.ts';
import { crmUpdateRecord } from './crm/update-record.ts';
import { crmUpsertRecord } from './crm/upsert-record.ts';
import { deskAddTicketComment } from './desk/add-ticket-comment.ts';
import { deskCreateContact } from './desk/create-contact.ts';
import { deskCreateTicket } from './desk/create-ticket.ts';
import { deskGetAccount } from './desk/get-account.ts';
import { deskGetContact } from './desk/get-contact.ts';
import { deskGetTicket } from './desk/get-ticket.ts';
import { deskListAccounts } from './desk/list-accounts.ts';
import { deskListAgents } from './desk/list-agents.ts';
import { deskListDepartments } from './desk/list-departments.ts';
import { deskListTicketConversations } from './desk/list-ticket-conversations.ts';
import { deskListTicketThreads } from './desk/list-ticket-threads.ts';
import { deskListTickets } from './desk/list-tickets.ts';
import { deskSearchContacts } from './desk/search-contacts.ts';
import { deskSearchTickets } from './desk/search-tickets.ts';
import { deskUpdateTicket } from './desk/update-ticket.ts';
import { crmAddTags } from './crm/add-tags.ts';
import { crmConvertLead } from './crm/convert-lead.ts';
import { crmFindOrCreateRecord } from './crm/find-or-create-record.ts';
import { crmListAttachments } from './crm/list-attachments.ts';
import { crmListUsers } from './crm/list-users.ts';
import { crmRemoveTags } from './crm/remove-tags.ts';
import { crmUpdateRelatedRecord } from './crm/update-related-record.ts';
import { crmUpsertRecords } from './crm/upsert-records.ts';
import { deskGetArticle } from './desk/get-article.ts';
import { deskGetTicketFields } from './desk/get-ticket-fields.ts';
import { deskListAssignedTickets } from './desk/list-assigned-tickets.ts';
import { deskListContacts } from './desk/list-contacts.ts';
import { deskListTicketComments } from './desk/list-ticket-comments.ts';
import { deskSearchArticles } from './desk/search-articles.ts';
import { deskSendReply } from './desk/send-reply.ts';
import { deskUpdateContact } from './desk/update-contact.ts';

/** Every tool the runtime offers, listed explicitly: adding a tool is one file plus one line here. */
export const allTools: readonly AnyTool[] = [
  // Zoho CRM: metadata
  crmListModules,
  crmGetFields,
  crmGetCurrentUser,
  crmGetOrg,
  // Zoho CRM: records
  crmSearchRecords,
  crmListRecords,
  crmGetRecord,
  crmGetRelatedRecords,
  crmCoqlQuery,
  crmCreateRecord,
  crmUpdateRecord,
  crmUpsertRecord,
  crmDeleteRecord,
  // Zoho CRM: notes
  crmListNotes,
  crmAddNote,
  // Zoho Desk: organisation
  deskListDepartments,
  deskListAgents,
  // Zoho Desk: tickets
  deskListTickets,
  deskSearchTickets,
  deskGetTicket,
  deskListTicketThreads,
  deskListTicketConversations,
  deskCreateTicket,
  deskUpdateTicket,
  deskAddTicketComment,
  // Zoho Desk: contacts and accounts
  deskSearchContacts,
  deskGetContact,
  deskCreateContact,
  deskListAccounts,
  deskGetAccount,
  // Sales and support every day (issue 14): CRM
  crmListUsers,
  crmConvertLead,
  crmFindOrCreateRecord,
  crmUpsertRecords,
  crmUpdateRelatedRecord,
  crmListAttachments,
  crmAddTags,
  crmRemoveTags,
  // ... and Desk
  deskSendReply,
  deskListTicketComments,
  deskListAssignedTickets,
  deskGetTicketFields,
  deskListContacts,
  deskUpdateContact,
  deskSearchArticles,
  deskGetArticle,
  // The user's Zoho web UI, in a headless browser (read only)
  browserNavigateAndScreenshot,
];
