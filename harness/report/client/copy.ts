// The command box: a button with data-copy="<id>" copies that element's text (the command that repeats
// the run), or selects it when the clipboard is not available (a page opened from disk may not have it).

function selectText(el: Element): void {
  const range = document.createRange();
  range.selectNodeContents(el);
  const sel = window.getSelection();
  if (sel) {
    sel.removeAllRanges();
    sel.addRange(range);
  }
}

function showCopied(button: Element): void {
  button.textContent = 'copied';
  window.setTimeout(() => {
    button.textContent = 'copy';
  }, 1500);
}

function copyFor(button: Element): void {
  const target = document.getElementById(button.getAttribute('data-copy') ?? '');
  if (!target) return;
  const text = target.textContent || '';
  if (navigator.clipboard && navigator.clipboard.writeText) {
    navigator.clipboard.writeText(text).then(
      () => showCopied(button),
      () => selectText(target),
    );
  } else {
    selectText(target);
  }
}

export function initCopyButtons(): void {
  for (const button of Array.from(document.querySelectorAll('[data-copy]'))) {
    button.addEventListener('click', () => copyFor(button));
  }
}
