/**
 * Denied ("not allowed") and other errors. For an unknown member or an unbound channel it
 * shows the exact ids and the CLI line an owner runs.
 */
export const errorCardTemplate = {
  type: 'AdaptiveCard',
  version: '1.5',
  $schema: '${schema}',
  body: [
    { type: 'TextBlock', text: '${heading}', weight: 'Bolder', size: 'Medium', color: '${color}', wrap: true },
    { type: 'TextBlock', text: '${message}', wrap: true },
    { type: 'TextBlock', $when: "${remediation != ''}", text: '${remediation}', wrap: true, isSubtle: true },
    {
      type: 'Container', $when: '${hasSetup}', separator: true,
      items: [
        { type: 'TextBlock', text: 'For the Operate Hub owner', weight: 'Bolder' },
        { type: 'FactSet', facts: [{ $data: '${setupIds}', title: '${title}', value: '${value}' }] },
        {
          type: 'Container', $data: '${setupLines}', spacing: 'Small',
          items: [
            { type: 'TextBlock', text: '${title}', isSubtle: true, size: 'Small' },
            { type: 'TextBlock', text: '${line}', fontType: 'Monospace', wrap: true, spacing: 'None' },
          ],
        },
      ],
    },
    { type: 'TextBlock', text: 'Reason: ${reasonCode}', isSubtle: true, size: 'Small' },
  ],
};
