/** Platform facts every help card states. */
export const channelNotes = [
  'In Teams channels, @mention Operate Hub: Teams only delivers messages that mention the bot. In a personal chat, just type the command.',
  'In Slack, use /opshub <command> (or /verify), or @mention Operate Hub in a channel it was invited to.',
  'Add --tenant <slug> in a personal chat when you belong to several tenants.',
];
