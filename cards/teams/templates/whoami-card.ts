/** Who Operate Hub thinks you are, and where. */
export const whoamiCardTemplate = {
  type: 'AdaptiveCard',
  version: '1.5',
  $schema: '${schema}',
  body: [
    { type: 'TextBlock', text: '${heading}', weight: 'Bolder', size: 'Medium', wrap: true },
    { type: 'FactSet', facts: [{ $data: '${facts}', title: '${title}', value: '${value}' }] },
  ],
};
