/** Tenant, default connection and active runs at a glance. */
export const statusCardTemplate = {
  type: 'AdaptiveCard',
  version: '1.5',
  $schema: '${schema}',
  msteams: { width: 'Full' },
  body: [
    { type: 'TextBlock', text: 'Status: ${tenantName}', weight: 'Bolder', size: 'Medium', wrap: true },
    { type: 'TextBlock', text: 'Microsoft connection', weight: 'Bolder', spacing: 'Medium' },
    { type: 'TextBlock', $when: '${!hasConnection}', text: '${noConnectionText}', wrap: true, color: 'Warning' },
    { type: 'FactSet', $when: '${hasConnection}', facts: [{ $data: '${connection}', title: '${title}', value: '${value}' }] },
    { type: 'TextBlock', text: 'Active runs', weight: 'Bolder', spacing: 'Medium' },
    { type: 'TextBlock', $when: '${count(activeRuns) == 0}', text: 'None.', isSubtle: true },
    {
      type: 'Container', $data: '${activeRuns}', spacing: 'Small', selectAction: '${open}',
      items: [{ type: 'TextBlock', text: '${shortId} · ${typeLabel}: ${statusLabel} (since ${created})', wrap: true }],
    },
  ],
  actions: '${actions}',
};
