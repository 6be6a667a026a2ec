import { describe, expect, it } from 'vitest';
import { renderMarkdown } from './render.js';

describe('renderMarkdown', () => {
  it('renders markdown: headings, code, tables, links', () => {
    const html = renderMarkdown(
      '## Diagnosis\n\n```sh\nballast events search --service x\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n[docs](https://example.com/x)',
    );
    expect(html).toContain('<h2>Diagnosis</h2>');
    expect(html).toContain('<code class="language-sh">ballast events search --service x\n</code>');
    expect(html).toContain('<td>1</td>');
    expect(html).toContain('<a href="https://example.com/x" rel="noopener noreferrer">docs</a>');
  });

  it('renders XSS payloads inert', () => {
    const payloads = [
      '<script>alert(1)</script>',
      '<img src=x onerror="alert(1)">',
      '[click](javascript:alert(1))',
      '[click](JaVaScRiPt:alert(1))',
      '![x](javascript:alert(1))',
      '<a href="javascript:alert(1)">x</a>',
      '<iframe src="https://evil.example.com"></iframe>',
      '<svg onload=alert(1)>',
      '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
      '<div style="background:url(javascript:alert(1))">x</div>',
    ];
    for (const p of payloads) {
      const html = renderMarkdown(`Text before.\n\n${p}\n\nText after.`);
      // Inert: no script-capable element, no event handler inside a tag, no script or data URL.
      expect(html, p).not.toMatch(/<(script|iframe|svg|object|embed)/i);
      expect(html, p).not.toMatch(/<[^>]*\son\w+\s*=/i);
      expect(html, p).not.toMatch(/<[^>]*\s(href|src|style)\s*=\s*"?\s*(javascript|data|[^"]*url\()/i);
      expect(html, p).toContain('Text after.');
    }
  });
});
