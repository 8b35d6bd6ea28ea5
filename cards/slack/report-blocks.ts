import type { RunView } from '../../services/views/run-view.ts';
import { blockLimits, clip, code, context, divider, escapeText, fields, fitBlocks, header, message, plain, section, slackDate, type Block, type SlackMessage } from './block-kit.ts';
import { failureText, outcomeBlocks, relatedText, runTitle, statusEmoji } from './run-blocks.ts';
import { verificationBlocks, verificationReport } from './verification-blocks.ts';

/**
 * The full report of a run: Target and Related, and either the verification report
 * (checks, reason codes, remediation, readiness per feature) or, for other runs and
 * results that are not one, the summary and every failure with its remediation.
 */
function genericBlocks(view: RunView): Block[] {
  return [
    ...outcomeBlocks(view).filter((b): b is Block => b !== null),
    ...(view.failures.length > 0 ? [divider(), ...view.failures.map((f) => section(failureText(f)))] : []),
  ];
}

export function reportBlocks(view: RunView): Block[] {
  const report = view.type === 'provider_connection.verify' ? verificationReport(view.result) : null;
  const blocking = view.failures.filter((f) => f.blocking).length;
  const verdict = view.active
    ? 'The run has not finished yet; this report fills in when it does.'
    : view.failures.length === 0
      ? 'No problems were found.'
      : `${view.failures.length} problem${view.failures.length === 1 ? '' : 's'} found, ${blocking} blocking.`;
  return [
    header(`${view.typeLabel} report`),
    section(`${statusEmoji[view.status] ?? ''} *${escapeText(view.statusLabel)}* · run ${code(view.shortId)} · ${escapeText(view.tenant.name)}\n${verdict}`),
    fields([
      ['Target', view.target ? `${escapeText(view.target.label)} (${view.target.kind})` : escapeText(view.tenant.name)],
      ['Started by', `${escapeText(view.trigger.actor)} (${escapeText(view.trigger.source)})`],
      ['Started', slackDate(view.startedAt)],
      ['Finished', slackDate(view.finishedAt)],
    ]),
    ...(relatedText(view) ? [context([relatedText(view) ?? ''])] : []),
    ...(report ? verificationBlocks(report) : genericBlocks(view)),
    context([`Run id ${code(view.id)} · CLI: ${code(`operate-hub runs show ${view.shortId}`)}`]),
  ];
}

/** The report for one member, as an ephemeral message. */
export function reportMessage(view: RunView): SlackMessage {
  return message(`Report: ${runTitle(view)}`, reportBlocks(view));
}

/** The report in a modal (views.open): readonly members may always open it. */
export function reportModal(view: RunView): Record<string, unknown> {
  return {
    type: 'modal',
    callback_id: 'opshub_report',
    title: plain(clip('Run report', blockLimits.modalTitle), blockLimits.modalTitle),
    close: plain('Close', blockLimits.buttonText),
    private_metadata: view.id,
    blocks: fitBlocks(reportBlocks(view), blockLimits.messageBlocks),
  };
}
