/**
 * Run card (Adaptive Card 1.5 template, expanded by cards/teams/run-card.ts). Queued and
 * running: status, progress, Refresh as the main action. Finished: summary, failures with
 * remediation, for verifications the report section, and for restores, syncs and backups
 * their kind section (cards/teams/run-kinds.ts).
 */
export const runCardTemplate = {
  type: 'AdaptiveCard',
  version: '1.5',
  $schema: '${schema}',
  msteams: { width: 'Full' },
  refresh: '${refresh}',
  body: [
    {
      type: 'ColumnSet',
      columns: [
        { type: 'Column', width: 'stretch', items: [{ type: 'TextBlock', text: '${title}', weight: 'Bolder', size: 'Medium', wrap: true }] },
        { type: 'Column', width: 'auto', verticalContentAlignment: 'Center', items: [{ type: 'TextBlock', text: '${statusLabel}', weight: 'Bolder', color: '${statusColor}' }] },
      ],
    },
    { type: 'TextBlock', $when: "${notice != ''}", text: '${notice}', wrap: true, color: 'Accent' },
    { type: 'FactSet', facts: [{ $data: '${facts}', title: '${title}', value: '${value}' }] },
    {
      type: 'Container', $when: '${active}', style: 'emphasis',
      items: [
        { type: 'TextBlock', text: '${progressText}', wrap: true },
        { type: 'FactSet', $when: '${count(progressFacts) > 0}', facts: [{ $data: '${progressFacts}', title: '${title}', value: '${value}' }] },
      ],
    },
    {
      type: 'Container', $when: '${count(summaryFacts) > 0}', separator: true,
      items: [
        { type: 'TextBlock', text: 'Summary', weight: 'Bolder' },
        { type: 'FactSet', facts: [{ $data: '${summaryFacts}', title: '${title}', value: '${value}' }] },
      ],
    },
    {
      type: 'Container', $when: '${hasKind}', separator: true,
      items: [
        { type: 'TextBlock', text: '${kind.heading}', weight: 'Bolder' },
        { type: 'TextBlock', $when: "${kind.headline != ''}", text: '${kind.headline}', wrap: true, color: '${kind.headlineColor}' },
        { type: 'FactSet', $when: '${count(kind.facts) > 0}', facts: [{ $data: '${kind.facts}', title: '${title}', value: '${value}' }] },
        { type: 'TextBlock', $when: "${kind.familiesTitle != ''}", text: '${kind.familiesTitle}', weight: 'Bolder', spacing: 'Medium' },
        { type: 'FactSet', $when: '${count(kind.families) > 0}', facts: [{ $data: '${kind.families}', title: '${title}', value: '${value}' }] },
        { type: 'TextBlock', $when: "${kind.failedFamilies != ''}", text: '${kind.failedFamilies}', wrap: true, color: 'Attention' },
        { type: 'TextBlock', $when: "${kind.itemsTitle != ''}", text: '${kind.itemsTitle}', weight: 'Bolder', spacing: 'Medium' },
        {
          type: 'Container', $data: '${kind.items}', spacing: 'Small',
          items: [
            { type: 'TextBlock', text: '${title}', wrap: true, color: '${color}' },
            { type: 'TextBlock', text: '${detail}', wrap: true, isSubtle: true, spacing: 'None' },
          ],
        },
        { type: 'TextBlock', $when: "${kind.moreItems != ''}", text: '${kind.moreItems}', isSubtle: true, wrap: true },
        { type: 'TextBlock', $when: '${count(kind.warnings) > 0}', text: 'Warnings', weight: 'Bolder', color: 'Warning', spacing: 'Medium' },
        { type: 'TextBlock', $data: '${kind.warnings}', text: '- ${$data}', wrap: true, isSubtle: true, spacing: 'None' },
        { type: 'TextBlock', $when: "${kind.moreWarnings != ''}", text: '${kind.moreWarnings}', isSubtle: true, wrap: true },
      ],
    },
    {
      type: 'Container', $when: '${count(failures) > 0}', separator: true,
      items: [
        { type: 'TextBlock', text: 'Failures', weight: 'Bolder', color: 'Attention' },
        {
          type: 'Container', $data: '${failures}', spacing: 'Small',
          items: [
            { type: 'TextBlock', text: '**${reasonCode}**${blockingLabel}: ${message}', wrap: true },
            { type: 'TextBlock', text: 'Fix: ${remediation}', wrap: true, isSubtle: true, spacing: 'None' },
          ],
        },
        { type: 'TextBlock', $when: "${moreFailures != ''}", text: '${moreFailures}', isSubtle: true, wrap: true },
      ],
    },
    {
      type: 'Container', $when: '${hasReport}', separator: true,
      items: [
        { type: 'TextBlock', text: 'Verification report', weight: 'Bolder' },
        { type: 'TextBlock', text: '${report.headline}', wrap: true, color: '${report.headlineColor}' },
        { type: 'FactSet', facts: [{ $data: '${report.connection}', title: '${title}', value: '${value}' }] },
        { type: 'TextBlock', $when: '${count(report.features) > 0}', text: 'Feature readiness', weight: 'Bolder', spacing: 'Medium' },
        { type: 'FactSet', $when: '${count(report.features) > 0}', facts: [{ $data: '${report.features}', title: '${title}', value: '${value}' }] },
        { type: 'TextBlock', $when: '${count(report.checks) > 0}', text: 'Checks', weight: 'Bolder', spacing: 'Medium' },
        {
          type: 'Container', $data: '${report.checks}', spacing: 'Small',
          items: [
            { type: 'TextBlock', text: '${mark} **${title}**: ${statusLabel}${codeLabel}', wrap: true, color: '${color}' },
            { type: 'TextBlock', $when: "${detail != ''}", text: '${detail}', wrap: true, isSubtle: true, spacing: 'None' },
            { type: 'TextBlock', $when: "${remediation != ''}", text: 'Fix: ${remediation}', wrap: true, spacing: 'None' },
            { type: 'ActionSet', $when: '${count(links) > 0}', actions: [{ $data: '${links}', type: 'Action.OpenUrl', title: '${title}', url: '${url}' }] },
          ],
        },
        { type: 'TextBlock', $when: "${report.more != ''}", text: '${report.more}', isSubtle: true, wrap: true },
      ],
    },
    {
      type: 'Container', $when: '${count(related) > 0}', separator: true,
      items: [
        { type: 'TextBlock', text: 'Related', weight: 'Bolder' },
        { type: 'FactSet', facts: [{ $data: '${related}', title: '${title}', value: '${value}' }] },
      ],
    },
    { type: 'TextBlock', text: '${footer}', isSubtle: true, size: 'Small', wrap: true },
  ],
  actions: '${actions}',
};
