// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title DatanetRegistry
/// @notice Public registry of datanets: who owns one, where its metadata lives and under which licence.
/// @dev A datanet id is bytes32 (the app uses keccak256 of its local `dn_…` id). Metadata itself stays
///      off chain; its hash pins the content the URI points to.
contract DatanetRegistry {
    struct Datanet {
        address owner;
        uint64 registeredAt;
        bytes32 metadataHash;
        string metadataUri;
        string license;
    }

    mapping(bytes32 id => Datanet) private _datanets;

    /// @notice A datanet was registered.
    event DatanetRegistered(bytes32 indexed id, address indexed owner, bytes32 metadataHash, string metadataUri, string license);
    /// @notice A datanet's owner replaced its metadata.
    event MetadataUpdated(bytes32 indexed id, bytes32 metadataHash, string metadataUri);
    /// @notice A datanet changed hands.
    event OwnershipTransferred(bytes32 indexed id, address indexed from, address indexed to);

    error AlreadyRegistered(bytes32 id);
    error UnknownDatanet(bytes32 id);
    error NotOwner(bytes32 id, address caller);
    error ZeroId();
    error ZeroAddress();

    /// @notice Registers datanet `id`, owned by the caller.
    /// @param id The datanet id; must be unused and non-zero.
    /// @param metadataHash Hash of the metadata document at `metadataUri`.
    /// @param metadataUri Where the metadata document can be fetched (ipfs://, https://, …).
    /// @param license SPDX licence identifier of the data.
    function register(bytes32 id, bytes32 metadataHash, string calldata metadataUri, string calldata license) external {
        if (id == bytes32(0)) revert ZeroId();
        if (_datanets[id].owner != address(0)) revert AlreadyRegistered(id);
        _datanets[id] = Datanet(msg.sender, uint64(block.timestamp), metadataHash, metadataUri, license);
        emit DatanetRegistered(id, msg.sender, metadataHash, metadataUri, license);
    }

    /// @notice Replaces the metadata of a datanet; only its owner may.
    /// @param id The datanet.
    /// @param metadataHash Hash of the new metadata document.
    /// @param metadataUri Where the new metadata document lives.
    function updateMetadata(bytes32 id, bytes32 metadataHash, string calldata metadataUri) external {
        Datanet storage d = _owned(id);
        d.metadataHash = metadataHash;
        d.metadataUri = metadataUri;
        emit MetadataUpdated(id, metadataHash, metadataUri);
    }

    /// @notice Hands a datanet to a new owner; only its owner may.
    /// @param id The datanet.
    /// @param to The new owner (not the zero address).
    function transferOwnership(bytes32 id, address to) external {
        if (to == address(0)) revert ZeroAddress();
        Datanet storage d = _owned(id);
        emit OwnershipTransferred(id, d.owner, to);
        d.owner = to;
    }

    /// @notice The registration of datanet `id`; reverts when there is none.
    /// @param id The datanet.
    /// @return The owner, registration time, metadata hash and URI, and licence.
    function get(bytes32 id) external view returns (Datanet memory) {
        Datanet memory d = _datanets[id];
        if (d.owner == address(0)) revert UnknownDatanet(id);
        return d;
    }

    /// @notice Whether datanet `id` is registered.
    /// @param id The datanet.
    /// @return True when registered.
    function exists(bytes32 id) external view returns (bool) {
        return _datanets[id].owner != address(0);
    }

    function _owned(bytes32 id) private view returns (Datanet storage d) {
        d = _datanets[id];
        if (d.owner == address(0)) revert UnknownDatanet(id);
        if (d.owner != msg.sender) revert NotOwner(id, msg.sender);
    }
}
