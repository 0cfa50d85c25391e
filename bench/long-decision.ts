/**
 * A long IEP for the length bench and the long-record test: the project's sample with many
 * goals and long free text (an initial IEP with a long evaluation summary, a 40-goal IEP).
 */
import { readFileSync } from 'node:fs';

const SAMPLE = new URL('../samples/decisions/annual-grade4-en.json', import.meta.url);

/** Sentences of ordinary length, so the text wraps and breaks as real text does. */
function prose(chars: number, topic: string): string {
  const sentences = [
    `On the ${topic} measures, the student reads connected text with growing accuracy.`,
    'Errors are mostly with multisyllabic words and irregular vowel patterns.',
    'With a graphic organizer the student retells the main idea and two supporting details.',
    'Work samples from September to November show steady progress with teacher prompts.',
    'The team reviewed classroom observations, curriculum-based measures and parent input.',
  ];
  let text = '';
  for (let i = 0; text.length < chars; i++) {
    text += `${sentences[i % sentences.length]} `;
    if (i % 9 === 8) text += '\n\n';
  }
  return text.slice(0, chars).trimEnd();
}

/** The sample decision (raw JSON) with `goals` goals and a present-levels text of `textChars`. */
export function longDecision(
  options: { goals: number; textChars: number; objectives?: number },
  decisionId = 'long-0001',
): Record<string, unknown> {
  const raw = JSON.parse(readFileSync(SAMPLE, 'utf8'));
  raw.decisionId = decisionId;
  raw.iep.presentLevels.academic = prose(options.textChars, 'reading');
  const [first] = raw.iep.goals;
  raw.iep.goals = Array.from({ length: options.goals }, (_, i) => ({
    ...first,
    goalId: `G${i + 1}`,
    area: `${first.area} (${i + 1})`,
    baseline: prose(400, `goal ${i + 1}`),
    shortTermObjectives: Array.from(
      { length: options.objectives ?? 0 },
      (_, k) => `Objective ${k + 1}: ${prose(160, 'objective')}`,
    ),
  }));
  return raw;
}
