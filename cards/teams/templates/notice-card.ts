/** A short answer pointing at a run (e.g. "already running"), not a second full card. */
export const noticeCardTemplate = {
  type: 'AdaptiveCard',
  version: '1.5',
  $schema: '${schema}',
  body: [
    { type: 'TextBlock', text: '${text}', wrap: true },
  ],
  actions: '${actions}',
};
