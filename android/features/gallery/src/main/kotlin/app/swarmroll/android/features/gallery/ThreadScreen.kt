package app.swarmroll.android.features.gallery

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.ExperimentalLayoutApi
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.FilterChip
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.IconButton
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Surface
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.heading
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.unit.dp
import app.swarmroll.android.core.api.Reaction
import app.swarmroll.android.designsystem.Loading
import app.swarmroll.android.designsystem.mediaCounts
import app.swarmroll.android.designsystem.str

/** A post's thread: who posted it, reactions, comments with their replies, and the comment box. */
@Composable
fun ThreadScreen(state: ThreadState, onEvent: (ThreadEvent) -> Unit, modifier: Modifier = Modifier) {
    Column(modifier.fillMaxSize()) {
        if (state.loading) {
            Loading(str("thread_loading"), Modifier.weight(1f))
        } else {
            LazyColumn(Modifier.weight(1f).fillMaxWidth()) {
                state.post?.let { post -> item(key = "post") { PostHeaderView(post, state, onEvent) } }
                if (state.comments.isEmpty()) {
                    item(key = "none") {
                        Text(
                            str("thread_no_comments"),
                            style = MaterialTheme.typography.bodyMedium,
                            color = MaterialTheme.colorScheme.onSurfaceVariant,
                            modifier = Modifier.padding(16.dp)
                        )
                    }
                }
                items(state.comments, key = { it.id }) { CommentView(it, onEvent) }
            }
        }
        CommentBox(state, onEvent)
    }
}

@Composable
private fun PostHeaderView(post: PostHeader, state: ThreadState, onEvent: (ThreadEvent) -> Unit) {
    Column(Modifier.fillMaxWidth().padding(16.dp, 12.dp)) {
        Text(
            str("thread_posted_by", post.author.display, post.timeLabel),
            style = MaterialTheme.typography.titleSmall,
            modifier = Modifier.semantics { heading() }
        )
        if (post.caption.isNotBlank()) {
            Text(post.caption, style = MaterialTheme.typography.bodyLarge, modifier = Modifier.padding(top = 4.dp))
        }
        Text(
            mediaCounts(post.photos, post.videos),
            style = MaterialTheme.typography.bodySmall,
            color = MaterialTheme.colorScheme.onSurfaceVariant
        )
        if (post.alsoSharedBy.isNotEmpty()) {
            Text(
                str("thread_also_shared_by", post.alsoSharedBy.joinToString(", ") { it.display }),
                style = MaterialTheme.typography.bodySmall,
                color = MaterialTheme.colorScheme.onSurfaceVariant
            )
        }
        Reactions(post.id, post.reactions, state.quickReactions, onEvent)
        if (state.canModerate) {
            TextButton(onClick = { onEvent(ThreadEvent.HidePost) }) { Text(str("thread_hide_post")) }
        }
    }
    HorizontalDivider()
}

/** The reactions set on [targetId] as toggles, then the quick ones nobody has used yet. */
@OptIn(ExperimentalLayoutApi::class)
@Composable
private fun Reactions(targetId: String, reactions: List<Reaction>, quick: List<String>, onEvent: (ThreadEvent) -> Unit) {
    FlowRow(horizontalArrangement = Arrangement.spacedBy(6.dp), modifier = Modifier.padding(top = 4.dp)) {
        for (r in reactions) {
            val description = str(if (r.mine) "thread_reaction_mine" else "thread_reaction", r.emoji, r.count.toInt())
            FilterChip(
                selected = r.mine,
                onClick = { onEvent(ThreadEvent.React(targetId, r.emoji)) },
                label = { Text("${r.emoji} ${r.count}") },
                modifier = Modifier.semantics { contentDescription = description }
            )
        }
        for (emoji in quick.filter { q -> reactions.none { it.emoji == q } }) {
            val description = str("thread_add_reaction", emoji)
            FilterChip(
                selected = false,
                onClick = { onEvent(ThreadEvent.React(targetId, emoji)) },
                label = { Text(emoji) },
                modifier = Modifier.semantics { contentDescription = description }
            )
        }
    }
}

@Composable
private fun CommentView(comment: CommentRow, onEvent: (ThreadEvent) -> Unit) {
    val indent = 16.dp + 24.dp * comment.depth.coerceAtMost(3)
    Column(Modifier.fillMaxWidth().padding(start = indent, end = 16.dp, top = 10.dp)) {
        Row(verticalAlignment = Alignment.CenterVertically) {
            Text(comment.author.display, style = MaterialTheme.typography.labelLarge, fontWeight = FontWeight.SemiBold)
            Text(
                comment.timeLabel,
                style = MaterialTheme.typography.labelMedium,
                color = MaterialTheme.colorScheme.onSurfaceVariant,
                modifier = Modifier.padding(start = 8.dp)
            )
        }
        Text(comment.text, style = MaterialTheme.typography.bodyMedium)
        Row(verticalAlignment = Alignment.CenterVertically) {
            Reactions(comment.id, comment.reactions, ThreadState.QUICK_REACTIONS.take(1), onEvent)
            val description = str("thread_reply_to_description", comment.author.display)
            TextButton(
                onClick = { onEvent(ThreadEvent.ReplyTo(comment.id)) },
                modifier = Modifier.semantics { contentDescription = description }
            ) { Text(str("thread_reply")) }
        }
    }
}

@Composable
private fun CommentBox(state: ThreadState, onEvent: (ThreadEvent) -> Unit) {
    Surface(tonalElevation = 2.dp, modifier = Modifier.fillMaxWidth()) {
        Column(Modifier.padding(horizontal = 12.dp, vertical = 8.dp)) {
            state.error?.let { Text(it, color = MaterialTheme.colorScheme.error, style = MaterialTheme.typography.bodySmall) }
            state.replyTo?.let { r ->
                Row(verticalAlignment = Alignment.CenterVertically) {
                    Text(
                        str("thread_replying_to", r.author.display),
                        style = MaterialTheme.typography.labelLarge,
                        color = MaterialTheme.colorScheme.primary,
                        modifier = Modifier.weight(1f)
                    )
                    ActionIcon(Glyph.Close, str("thread_cancel_reply")) { onEvent(ThreadEvent.CancelReply) }
                }
            }
            Row(verticalAlignment = Alignment.CenterVertically) {
                OutlinedTextField(
                    value = state.draft,
                    onValueChange = { onEvent(ThreadEvent.DraftChanged(it)) },
                    placeholder = { Text(str("thread_comment_hint")) },
                    modifier = Modifier.weight(1f),
                    maxLines = 4
                )
                val description = str("thread_send")
                IconButton(
                    onClick = { onEvent(ThreadEvent.Send) },
                    enabled = state.canSend,
                    modifier = Modifier.semantics { contentDescription = description }
                ) { GlyphIcon(Glyph.Send) }
            }
        }
    }
}
