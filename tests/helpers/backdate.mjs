// Messages posted at another time: PocketBase sets `created` itself (its API cannot change it), so
// a fixture page moves it with SQL and drops the message's cached fragment, which shows the time.
// Start the server with { extraPages: BACKDATE_PAGES } to use backdate().

export const BACKDATE_PAGES = {
  'test-backdate/[id].ejs': `<%
  const created = String(request.query.created || '').replace('T', ' ')
  $app.db().newQuery("UPDATE messages SET created = {:created}, fragmentKey = '' WHERE id = {:id}")
    .bind({ created, id: params.id }).execute()
  response.type('text/plain')
%>ok`,
}

/** backdate makes a message look posted at a time (an ISO string, UTC). */
export async function backdate(server, messageId, iso) {
  const res = await fetch(`${server.url}/test-backdate/${messageId}?created=${encodeURIComponent(new Date(iso).toISOString())}`)
  if (res.status !== 200) throw new Error(`backdate failed: ${res.status} ${await res.text()}`)
}
