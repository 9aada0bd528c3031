// A benchmark-only page (added to the server's copy of the hooks) that writes many messages at once.
// Seeds messages n0+1 ... n0+count in one statement: bodies of six words from a vocabulary of
// 5,000 (skewed: low numbers are common), plus 'needle' in 1 of 10,000 and 'common' in 1 of 10.
export const SEED_PAGE = `<%
const from = Number(request.query.from), count = Number(request.query.count)
$app.db().newQuery(\`
  WITH RECURSIVE n(i) AS (SELECT {:from} + 1 UNION ALL SELECT i + 1 FROM n WHERE i < {:from} + {:count})
  INSERT INTO messages (id, room, author, body, html, number, nonce, fragment, fragmentKey, edited, created, updated)
  SELECT lower(substr(hex(randomblob(8)), 1, 15)), {:room}, {:author}, b, '<p>' || b || '</p>', i, '', '', '', 0,
         strftime('%Y-%m-%d %H:%M:%fZ', 'now'), strftime('%Y-%m-%d %H:%M:%fZ', 'now')
    FROM (SELECT i, 'w' || (abs(random()) % (1 + abs(random()) % 5000)) || ' w' || (abs(random()) % 5000)
                 || ' w' || (abs(random()) % (1 + abs(random()) % 5000)) || ' w' || (abs(random()) % 5000)
                 || CASE WHEN i % 10000 = 7 THEN ' needle' ELSE '' END
                 || CASE WHEN i % 10 = 3 THEN ' common' ELSE '' END
                 || ' w' || (abs(random()) % 5000) || ' w' || (abs(random()) % 5000) AS b FROM n)\`)
  .bind({ from, count, room: request.query.room, author: request.query.author }).execute()
$app.db().newQuery('UPDATE rooms SET lastNumber = {:n} WHERE id = {:room}').bind({ n: from + count, room: request.query.room }).execute()
%>ok`
