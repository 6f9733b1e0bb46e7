package app.swarmroll.android.features.gallery

import androidx.compose.foundation.background
import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.shape.RoundedCornerShape
import androidx.compose.material3.Button
import androidx.compose.material3.ButtonDefaults
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Surface
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.semantics.Role
import androidx.compose.ui.semantics.heading
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.unit.dp
import app.swarmroll.android.designsystem.ErrorText
import app.swarmroll.android.designsystem.str

/**
 * What shows over the gallery: a scrim (a tap closes it) under a sheet at the bottom with
 * the channel's menu, or the question before leaving. Drawn in the screen rather than as
 * a popup window, so it is part of the screen's state, its screenshot and its tests.
 */
@Composable
internal fun GallerySheetView(state: GalleryState, onEvent: (GalleryEvent) -> Unit) {
    Box(Modifier.fillMaxSize()) {
        Box(
            Modifier.fillMaxSize().background(Color.Black.copy(alpha = 0.45f))
                .clickable(onClickLabel = str("gallery_close_menu")) { onEvent(GalleryEvent.DismissSheet) }
        )
        Surface(
            shape = RoundedCornerShape(topStart = 20.dp, topEnd = 20.dp),
            tonalElevation = 3.dp,
            modifier = Modifier.align(Alignment.BottomCenter).fillMaxWidth()
        ) {
            Column(Modifier.padding(bottom = 16.dp)) {
                when (state.sheet) {
                    GallerySheet.Menu -> MenuSheet(state, onEvent)
                    GallerySheet.ConfirmLeave -> LeaveSheet(state, onEvent)
                    null -> {}
                }
            }
        }
    }
}

@Composable
private fun MenuSheet(state: GalleryState, onEvent: (GalleryEvent) -> Unit) {
    Text(
        state.channelName,
        style = MaterialTheme.typography.titleMedium,
        maxLines = 2,
        modifier = Modifier.padding(start = 24.dp, end = 24.dp, top = 20.dp, bottom = 8.dp).semantics { heading() }
    )
    if (state.canHost) MenuRow(Glyph.Host, str("gallery_host_tools")) { onEvent(GalleryEvent.HostTools) }
    MenuRow(Glyph.Leave, str("gallery_leave"), MaterialTheme.colorScheme.error) { onEvent(GalleryEvent.AskLeave) }
}

@Composable
private fun MenuRow(glyph: Glyph, label: String, color: Color = MaterialTheme.colorScheme.onSurface, onClick: () -> Unit) {
    Row(
        Modifier.fillMaxWidth().heightIn(min = 56.dp).clickable(role = Role.Button, onClick = onClick).padding(horizontal = 24.dp),
        verticalAlignment = Alignment.CenterVertically,
        horizontalArrangement = Arrangement.spacedBy(16.dp)
    ) {
        GlyphIcon(glyph, color = color)
        Text(label, style = MaterialTheme.typography.bodyLarge, color = color)
    }
}

@Composable
private fun LeaveSheet(state: GalleryState, onEvent: (GalleryEvent) -> Unit) {
    Column(Modifier.padding(start = 24.dp, end = 24.dp, top = 24.dp), verticalArrangement = Arrangement.spacedBy(12.dp)) {
        Text(
            str("gallery_leave_title", state.channelName),
            style = MaterialTheme.typography.titleLarge,
            modifier = Modifier.semantics { heading() }
        )
        Text(str("gallery_leave_body"), style = MaterialTheme.typography.bodyMedium)
        if (state.isOwner) {
            Text(
                str("gallery_leave_owner"),
                style = MaterialTheme.typography.bodyMedium,
                color = MaterialTheme.colorScheme.onSurfaceVariant
            )
        }
        state.leaveError?.let { ErrorText(it) }
        Row(Modifier.fillMaxWidth(), horizontalArrangement = Arrangement.spacedBy(8.dp, Alignment.End)) {
            TextButton(onClick = { onEvent(GalleryEvent.DismissSheet) }, enabled = !state.leaving) { Text(str("gallery_cancel")) }
            Button(
                onClick = { onEvent(GalleryEvent.Leave) },
                enabled = !state.leaving,
                colors = ButtonDefaults.buttonColors(
                    containerColor = MaterialTheme.colorScheme.error,
                    contentColor = MaterialTheme.colorScheme.onError
                )
            ) {
                Text(if (state.leaving) str("gallery_leaving") else str("gallery_leave_confirm"))
            }
        }
    }
}
