/** The command list, with what was wrong when the input did not parse. */
export const helpCardTemplate = {
  type: 'AdaptiveCard',
  version: '1.5',
  $schema: '${schema}',
  body: [
    { type: 'TextBlock', text: 'Operate Hub commands', weight: 'Bolder', size: 'Medium' },
    {
      type: 'Container', $when: "${problem != ''}", style: 'attention',
      items: [
        { type: 'TextBlock', text: '${problem}', wrap: true, weight: 'Bolder' },
        { type: 'TextBlock', $when: "${input != ''}", text: 'You wrote: ${input}', wrap: true, isSubtle: true, spacing: 'None' },
      ],
    },
    { type: 'FactSet', facts: [{ $data: '${commands}', title: '${usage}', value: '${description}' }] },
    { type: 'TextBlock', $data: '${notes}', text: '${$data}', wrap: true, isSubtle: true, size: 'Small' },
  ],
};
