import '@testing-library/jest-dom';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { IssueLink, LinkHostProvider, RemoteIssueLink, browseUrl } from './issue-link';

describe('issue links', () => {
  it.each<[string | null, string, string]>([
    ['http://127.0.0.1:7101', 'INT-2', 'http://127.0.0.1:7101/browse/INT-2'],
    ['https://acme.atlassian.net/', 'OPS-10', 'https://acme.atlassian.net/browse/OPS-10'],
    [null, 'INT-2', '/browse/INT-2'],
  ])('browses %s for %s at %s', (site, key, url) => {
    expect(browseUrl(site, key)).toBe(url);
  });

  it('leaves a modified click (new window) to the browser', () => {
    const openIssue = jest.fn(async () => undefined);
    render(<LinkHostProvider host={{ siteUrl: null, openIssue }}><IssueLink issueKey="INT-2" /></LinkHostProvider>);
    const link = screen.getByRole('link', { name: 'INT-2' });
    const event = new MouseEvent('click', { bubbles: true, cancelable: true, ctrlKey: true });
    link.dispatchEvent(event);
    expect(event.defaultPrevented).toBe(false);
    expect(openIssue).not.toHaveBeenCalled();
  });

  it('opens the link itself, in a new tab, when the host cannot navigate', async () => {
    const open = jest.spyOn(window, 'open').mockReturnValue(null);
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const openUrl = jest.fn(async () => { throw new Error('The sandbox host does not support navigate.'); });
    render(<LinkHostProvider host={{ siteUrl: null, openUrl }}><RemoteIssueLink issueKey="CLOUD-9" siteUrl="http://127.0.0.1:7102" /></LinkHostProvider>);
    expect(fireEvent.click(screen.getByRole('link', { name: 'CLOUD-9' }))).toBe(false);
    await waitFor(() => expect(open).toHaveBeenCalledWith('http://127.0.0.1:7102/browse/CLOUD-9', '_blank', 'noopener,noreferrer'));
    expect(warn).toHaveBeenCalledWith('The host did not open http://127.0.0.1:7102/browse/CLOUD-9:', expect.any(Error));
    open.mockRestore();
    warn.mockRestore();
  });
});
