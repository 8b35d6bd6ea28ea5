/** Recent runs of a tenant; each row opens that run's card (Action.Execute open_report). */
export const runsCardTemplate = {
  type: 'AdaptiveCard',
  version: '1.5',
  $schema: '${schema}',
  msteams: { width: 'Full' },
  body: [
    { type: 'TextBlock', text: 'Recent runs: ${tenantName}', weight: 'Bolder', size: 'Medium', wrap: true },
    { type: 'TextBlock', $when: '${count(runs) == 0}', text: '${emptyText}', wrap: true, isSubtle: true },
    {
      type: 'Container', $data: '${runs}', spacing: 'Small', selectAction: '${open}',
      items: [{
        type: 'ColumnSet',
        columns: [
          { type: 'Column', width: 'auto', items: [{ type: 'TextBlock', text: '${shortId}', fontType: 'Monospace' }] },
          { type: 'Column', width: 'stretch', items: [{ type: 'TextBlock', text: '${typeLabel}${codes}', wrap: true }] },
          { type: 'Column', width: 'auto', items: [{ type: 'TextBlock', text: '${statusLabel}', color: '${color}', weight: 'Bolder' }] },
          { type: 'Column', width: 'auto', items: [{ type: 'TextBlock', text: '${created}', isSubtle: true }] },
        ],
      }],
    },
    { type: 'TextBlock', text: '${hint}', isSubtle: true, size: 'Small', wrap: true },
  ],
  actions: '${actions}',
};
