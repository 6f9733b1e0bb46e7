package app.swarmroll.android.features.channels

import androidx.compose.foundation.background
import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.PaddingValues
import androidx.compose.foundation.layout.Spacer
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.height
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.size
import androidx.compose.foundation.layout.widthIn
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.foundation.shape.CircleShape
import androidx.compose.foundation.shape.RoundedCornerShape
import androidx.compose.material3.Button
import androidx.compose.material3.ExperimentalMaterial3Api
import androidx.compose.material3.ExtendedFloatingActionButton
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.IconButton
import androidx.compose.material3.ListItem
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.PrimaryTabRow
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Tab
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.material3.TopAppBar
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.semantics.clearAndSetSemantics
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.heading
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.text.style.TextAlign
import androidx.compose.ui.text.style.TextOverflow
import androidx.compose.ui.unit.dp
import app.swarmroll.android.core.api.ChannelSummary
import app.swarmroll.android.core.api.Role
import app.swarmroll.android.designsystem.ErrorState
import app.swarmroll.android.designsystem.Loading
import app.swarmroll.android.designsystem.plural
import app.swarmroll.android.designsystem.str

/** The home screen: Channels / Everything tabs under the app bar, with create and join at hand. */
@OptIn(ExperimentalMaterial3Api::class)
@Composable
fun ChannelsScreen(state: ChannelsState, onEvent: (ChannelsEvent) -> Unit, modifier: Modifier = Modifier) {
    val hasChannels = !state.channels.isNullOrEmpty()
    Scaffold(
        modifier = modifier,
        topBar = {
            TopAppBar(
                title = { Text(str("channels_title")) },
                actions = {
                    val joinDescription = str("channels_join_description")
                    TextButton(
                        onClick = { onEvent(ChannelsEvent.JoinChannel) },
                        modifier = Modifier.heightIn(min = 48.dp).semantics { contentDescription = joinDescription }
                    ) { Text(str("channels_join")) }
                    val settings = str("channels_settings")
                    IconButton(
                        onClick = { onEvent(ChannelsEvent.OpenSettings) },
                        modifier = Modifier.semantics {
                            contentDescription =
                                settings
                        }
                    ) {
                        SettingsIcon()
                    }
                }
            )
        },
        floatingActionButton = {
            if (state.tab == ChannelsTab.Channels && hasChannels && state.error == null) {
                ExtendedFloatingActionButton(onClick = { onEvent(ChannelsEvent.CreateChannel) }) {
                    Text("+  " + str("channels_new"))
                }
            }
        }
    ) { padding ->
        Column(Modifier.padding(padding).fillMaxSize()) {
            PrimaryTabRow(selectedTabIndex = state.tab.ordinal) {
                Tab(
                    selected = state.tab == ChannelsTab.Channels,
                    onClick = { onEvent(ChannelsEvent.SelectTab(ChannelsTab.Channels)) },
                    text = { Text(str("channels_tab_channels")) },
                    selectedContentColor = MaterialTheme.colorScheme.primary,
                    unselectedContentColor = MaterialTheme.colorScheme.onSurfaceVariant
                )
                Tab(
                    selected = state.tab == ChannelsTab.Everything,
                    onClick = { onEvent(ChannelsEvent.SelectTab(ChannelsTab.Everything)) },
                    text = { Text(str("channels_tab_everything")) },
                    selectedContentColor = MaterialTheme.colorScheme.primary,
                    unselectedContentColor = MaterialTheme.colorScheme.onSurfaceVariant
                )
            }
            val error = state.error
            when {
                error != null -> ErrorState(error, onRetry = { onEvent(ChannelsEvent.Retry) })
                state.tab == ChannelsTab.Everything -> EverythingTimeline(state.timeline, onEvent)
                state.channels == null -> Loading(str("channels_loading"))
                state.channels.isEmpty() -> NoChannels(onEvent)
                else -> ChannelList(state.channels, onEvent)
            }
        }
    }
}

@Composable
private fun ChannelList(channels: List<ChannelSummary>, onEvent: (ChannelsEvent) -> Unit) {
    // Room at the bottom so the floating button never covers the last row.
    LazyColumn(Modifier.fillMaxSize(), contentPadding = PaddingValues(bottom = 96.dp)) {
        items(channels, key = { it.id }) { channel ->
            ChannelRow(channel, onClick = { onEvent(ChannelsEvent.OpenChannel(channel.id)) })
            HorizontalDivider(Modifier.padding(start = 88.dp))
        }
    }
}

@Composable
private fun ChannelRow(channel: ChannelSummary, onClick: () -> Unit) {
    val counts = counts(channel.photos.toInt(), channel.videos.toInt())
    val role = roleLabel(channel.myRole)
    val unread = if (channel.unread > 0) plural("channels_unread", channel.unread.toInt(), channel.unread.toInt()) else null
    val description = listOfNotNull(channel.name, unread, counts, role).joinToString(", ")
    ListItem(
        modifier = Modifier.fillMaxWidth().clickable(onClick = onClick).clearAndSetSemantics { contentDescription = description },
        leadingContent = { Avatar(channel.name) },
        headlineContent = {
            Text(
                channel.name,
                maxLines = 2,
                overflow = TextOverflow.Ellipsis,
                fontWeight = if (channel.unread > 0) FontWeight.Bold else FontWeight.Normal
            )
        },
        supportingContent = { Text("$counts · $role", maxLines = 3, overflow = TextOverflow.Ellipsis) },
        trailingContent = { if (unread != null) UnreadBadge(unread) }
    )
}

@Composable
internal fun counts(photos: Int, videos: Int): String = when {
    photos == 0 && videos == 0 -> str("channels_nothing_yet")
    videos == 0 -> plural("channels_photos", photos, photos)
    photos == 0 -> plural("channels_videos", videos, videos)
    else -> str("channels_counts", plural("channels_photos", photos, photos), plural("channels_videos", videos, videos))
}

@Composable
private fun roleLabel(role: Role): String = when (role) {
    Role.Owner -> str("channels_role_owner")
    Role.CoHost -> str("channels_role_cohost")
    Role.Contributor -> str("channels_role_contributor")
    Role.Viewer -> str("channels_role_viewer")
}

/** The channel's initial on a colour picked from its name, the same every time. */
@Composable
private fun Avatar(name: String) {
    val palette = listOf(Color(0xFF3D5AFE), Color(0xFFE65100), Color(0xFF00897B), Color(0xFF8E24AA), Color(0xFFC2185B), Color(0xFF5D4037))
    val colour = palette[Math.floorMod(name.hashCode(), palette.size)]
    Box(Modifier.size(48.dp).background(colour, CircleShape), contentAlignment = Alignment.Center) {
        Text(
            name.trim().take(1).uppercase(),
            color = Color.White,
            style = MaterialTheme.typography.titleMedium,
            fontWeight = FontWeight.Bold
        )
    }
}

@Composable
private fun UnreadBadge(text: String) {
    Box(
        Modifier.widthIn(
            min = 24.dp
        ).background(MaterialTheme.colorScheme.primary, RoundedCornerShape(12.dp)).padding(horizontal = 8.dp, vertical = 2.dp),
        contentAlignment = Alignment.Center
    ) {
        Text(text, color = MaterialTheme.colorScheme.onPrimary, style = MaterialTheme.typography.labelMedium)
    }
}

@Composable
private fun NoChannels(onEvent: (ChannelsEvent) -> Unit) {
    Column(
        Modifier.fillMaxSize().padding(32.dp),
        verticalArrangement = Arrangement.Center,
        horizontalAlignment = Alignment.CenterHorizontally
    ) {
        Text(
            str("channels_empty_title"),
            style = MaterialTheme.typography.titleLarge,
            textAlign = TextAlign.Center,
            modifier = Modifier.semantics { heading() }
        )
        Spacer(Modifier.height(8.dp))
        Text(str("channels_empty_body"), style = MaterialTheme.typography.bodyMedium, textAlign = TextAlign.Center)
        Spacer(Modifier.height(24.dp))
        Button(onClick = { onEvent(ChannelsEvent.CreateChannel) }, modifier = Modifier.fillMaxWidth().heightIn(min = 48.dp)) {
            Text(str("channels_create"))
        }
        Spacer(Modifier.height(12.dp))
        OutlinedButton(onClick = { onEvent(ChannelsEvent.JoinChannel) }, modifier = Modifier.fillMaxWidth().heightIn(min = 48.dp)) {
            Text(str("channels_join_link"), textAlign = TextAlign.Center)
        }
    }
}
